// Adds waitForInitialState/waitForNextPatch to the SDK's Room; no server runs in this process.
import "@colyseus/testing";
import { spawn } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { guestClient, Inbox, type ArenaSdkRoom } from "../helpers/clients.ts";
import { startClusterProcess, type ClusterProcess } from "../helpers/clusterProcess.ts";
import { startRedisServer, type RedisServer } from "../helpers/redisServer.ts";

/**
 * What `npm start` and the deploy files run: the compiled entry
 * (`tsc -p tsconfig.build.json`, plain `node <out>/server/index.js`, no tsx),
 * as two cluster processes on a private redis-server. The other cluster tests
 * run the sources through tsx; this one catches what only the build breaks
 * (import extensions, the Redis packages loaded on demand).
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
// Inside node_modules so the build resolves the project's packages; its own package.json makes it ESM there.
const OUT = path.join(ROOT, "node_modules", ".cache", `tickwire-built-entry-${process.pid}`);
let redis: RedisServer;
const processes: ClusterProcess[] = [];
const rooms: ArenaSdkRoom[] = [];

function compile(): Promise<void> {
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const child = spawn(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", OUT], { cwd: ROOT });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited ${code}:\n${output}`)))),
  );
}

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  await writeFile(path.join(OUT, "package.json"), '{ "type": "module" }\n');
  const [server] = await Promise.all([startRedisServer(), compile()]);
  redis = server;
  const entry = path.join(OUT, "server", "index.js");
  for (let i = 0; i < 2; i++) processes.push(await startClusterProcess(redis.url, {}, entry));
}, 180_000);

afterAll(async () => {
  await Promise.all(rooms.map((room) => room.leave().catch(() => undefined)));
  await Promise.all(processes.map((p) => p.stop()));
  await redis?.stop();
  await rm(OUT, { recursive: true, force: true });
});

it("two built processes share a room: a room created through one is joined through the other, and chat crosses", async () => {
  const [a, b] = processes as [ClusterProcess, ClusterProcess];
  expect(a.processId).not.toBe(b.processId);
  const alice = (await (await guestClient(a, "Alice")).client.create("arena", {})) as unknown as ArenaSdkRoom;
  rooms.push(alice);
  const bob = (await (await guestClient(b, "Bob")).client.joinById(alice.roomId, {})) as unknown as ArenaSdkRoom;
  rooms.push(bob);
  const inbox = new Inbox(bob);
  await Promise.all([alice.waitForInitialState(), bob.waitForInitialState()]);
  expect(bob.roomId).toBe(alice.roomId);
  alice.send("chat", { text: "built and shipped" });
  const line = await inbox.waitFor("chat", (chat) => chat.kind === "say" && chat.text === "built and shipped");
  expect(line).toMatchObject({ kind: "say", text: "built and shipped" });
});
