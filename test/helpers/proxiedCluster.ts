import { readFileSync } from "node:fs";
import { request } from "node:https";
import { expect } from "vitest";
import type { RoomListing } from "../../shared/index.ts";
import type { Cluster, ClusterMember } from "../../scripts/cluster/launcher.ts";
import { TlsPlayer, type PlayerEvent } from "./tlsPlayer.ts";

/**
 * What the proxy tests (nginx.test.ts, haproxy.test.ts) do the same way
 * through whichever proxy the launcher put in front: GETs and POSTs over
 * https trusting the run's certificate, and the two-player scenario.
 */

export async function getJson<T>(cluster: Cluster, p: string): Promise<T> {
  const { status, body } = await cluster.get(p);
  if (status !== 200) throw new Error(`GET ${p}: ${status} ${body}`);
  return JSON.parse(body) as T;
}

/** POST `body` (JSON) through the proxy from `localAddress` (a loopback address); resolves with status and body. */
export function postThrough(
  cluster: Cluster,
  caFile: string,
  p: string,
  options: { localAddress?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.url}${p}`,
      {
        method: "POST",
        localAddress: options.localAddress,
        ca: readFileSync(caFile),
        headers: { "content-type": "application/json", ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`POST ${p} timed out`)));
    req.on("error", reject);
    req.end(options.body ?? "{}");
  });
}

/** POST an empty guest-token request through the proxy from `localAddress`; resolves with the status. */
export async function postFrom(
  cluster: Cluster,
  caFile: string,
  localAddress: string,
  p: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return (await postThrough(cluster, caFile, p, { localAddress, headers })).status;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

type Joined = Extract<PlayerEvent, { event: "joined" }>;

/**
 * Alice matchmakes through the first process' prefix, Bob through the
 * second's; they must meet in one room, both connected over wss:// to the
 * host's prefix, and see each other move and chat. Then both leave.
 * `track` registers each player for the caller's cleanup.
 */
export async function meetMoveAndChat(
  cluster: Cluster,
  caFile: string,
  track: (player: TlsPlayer) => TlsPlayer,
): Promise<{ host: ClusterMember; aliceJoined: Joined; bobJoined: Joined }> {
  const [a, b] = cluster.processes as [ClusterMember, ClusterMember];
  const alice = track(new TlsPlayer(`${cluster.url}/${a.prefix}`, "Alice", caFile));
  const aliceJoined = await alice.waitFor("joined");
  const bob = track(new TlsPlayer(`${cluster.url}/${b.prefix}`, "Bob", caFile));
  const bobJoined = await bob.waitFor("joined");
  expect(bobJoined.roomId).toBe(aliceJoined.roomId);

  // Both play on the hosting process, through its own prefix, over TLS.
  const listing = (await getJson<RoomListing[]>(cluster, "/rooms")).find((r) => r.roomId === aliceJoined.roomId);
  const host = cluster.processes.find((m) => m.processId === listing?.processId);
  expect(host, "the room's host is one of the two processes").toBeDefined();
  for (const joined of [aliceJoined, bobJoined]) {
    expect(joined.url).toMatch(
      new RegExp(`^wss://127\\.0\\.0\\.1:${cluster.proxyPort}/${host!.prefix}/${host!.processId}/${joined.roomId}\\?`),
    );
  }

  // Bob watches Alice walk: her inputs and his patches cross the proxy on the host's prefix.
  const seen = await bob.waitFor("players", (e) => e.players.some((p) => p.sessionId === aliceJoined.sessionId));
  const start = seen.players.find((p) => p.sessionId === aliceJoined.sessionId)!;
  const dx = start.x > 800 ? -1 : 1;
  alice.send({ do: "move", dx, dy: 0 });
  await bob.waitFor("players", (e) =>
    e.players.some((p) => p.sessionId === aliceJoined.sessionId && (p.x - start.x) * dx >= 10),
  );
  alice.send({ do: "halt" });
  await alice.waitFor("players", (e) => e.players.some((p) => p.sessionId === bobJoined.sessionId && p.name === "Bob"));

  alice.send({ do: "chat", text: "hello over wss from alice" });
  bob.send({ do: "chat", text: "hello over wss from bob" });
  await Promise.all([
    bob.waitFor("chat", (e) => e.line.kind === "say" && e.line.text === "hello over wss from alice"),
    alice.waitFor("chat", (e) => e.line.kind === "say" && e.line.text === "hello over wss from bob"),
  ]);
  await Promise.all([alice.leave(), bob.leave()]);
  return { host: host!, aliceJoined, bobJoined };
}
