/**
 * What one honest player's chat costs its own connection's meter in a crowded
 * world room (SECURITY.md "Connection cost"; issue 13 review). Not part of
 * `npm run bench`: run it alone, `node --import tsx bench/chatFanOut.ts [N]`.
 *
 * N wire bots (default 800) join one world room of the smallest size, so all
 * are in every view; after another bot's warm-up burst, one of them sends a chat burst of CHAT_RATE_BURST (5)
 * lines, then one line a second for 10 s (CHAT_RATE_REFILL_PER_S). Printed:
 * the sender's charged dispatch time (the meter's own figure, ms/s), the time
 * the fan-outs took (not charged: colyseus/fanOut.ts), and per recipient what
 * `client.send` (one encode each) and the shared bytes cost.
 */
import { performance } from "node:perf_hooks";
import { Protocol, getMessageBytes } from "@colyseus/core";
import { uncharged } from "../colyseus/fanOut.ts";
import { WireClient } from "../colyseus/wireClient.ts";
import { createApp } from "../server/app.ts";
import { TokenService } from "../server/auth/TokenService.ts";
import { defaultConfig } from "../server/config.ts";
import type { PlayClient } from "../server/rooms/PlayClient.ts";
import type { WorldRoom } from "../server/rooms/WorldRoom.ts";
import { Role, type ServerMessages } from "../shared/index.ts";
import { mapLimit } from "./lib/stats.ts";

const N = Number(process.argv[2] ?? 800);
const SECRET = "chat-fanout-measure-secret-0123456789";
const lifted = { maxConnectionsPerIp: 100_000, maxHttpSocketsPerIp: 100_000, maxPendingSeatsPerIp: 100_000 };
const config = defaultConfig({
  host: "127.0.0.1",
  logLevel: "silent",
  client: { mode: "none" },
  auth: { secret: SECRET },
  net: {
    ...lifted,
    httpBurst: 1_000_000,
    httpRatePerMinute: 60_000_000,
    cost: { maxDispatchMsPerSPerIp: 100_000, maxFramesPerSPerIp: 10_000_000 },
  },
  world: { size: 64, maxSeatsPerIp: 100_000 },
});
const app = createApp(config);
const port = await app.listen(0, "127.0.0.1");
const endpoint = `http://127.0.0.1:${port}`;
const tokens = new TokenService({ secret: new TextEncoder().encode(SECRET), ttlSeconds: 3600 });
const matchmake = await fetch(`${endpoint}/matchmake/create/world`, {
  method: "POST",
  headers: {
    "content-type": "application/json",
    authorization: `Bearer ${(await tokens.issue({ playerId: TokenService.newPlayerId(), name: "Host", role: Role.Player })).token}`,
  },
  body: "{}",
});
const { roomId } = (await matchmake.json()) as { roomId: string };

const bots = (
  await mapLimit(Array.from({ length: N }), 16, async (_, i) => {
    const { token } = await tokens.issue({ playerId: TokenService.newPlayerId(), name: `Bot${i}`, role: Role.Player });
    return WireClient.join<ServerMessages>(endpoint, roomId, token);
  })
).flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
process.stderr.write(`${bots.length} bots joined\n`);
const ticks = (n: number) => new Promise((resolve) => setTimeout(resolve, n * 50));
await ticks(10);

// Warm-up: another bot's burst first, so the JIT has compiled the chat path (the first lines of a process cost more).
for (let line = 0; line < 5; line++) bots[1]!.sendMessage("chat", { text: `warm-up ${line}` });
await ticks(40);
const sender = bots[0]!;
const costs = app.transport.costs.costs;
const senderCost = [
  ...(
    costs as unknown as {
      addresses: Map<
        string,
        {
          connections: Set<{
            label: { sessionId?: string };
            cpuMs: number;
            fullCpuMs: number;
            decayTo(now: number): void;
          }>;
        }
      >;
    }
  ).addresses.values(),
]
  .flatMap((a) => [...a.connections])
  .find((c) => c.label.sessionId === sender.seat?.sessionId);
if (senderCost === undefined) throw new Error("sender not metered");
const read = () => {
  senderCost.decayTo(performance.now());
  return senderCost.cpuMs;
};
const baseline = read();
const fanOutBefore = uncharged.ms;
const started = performance.now();
for (let line = 0; line < 5; line++) sender.sendMessage("chat", { text: `burst ${line}` });
const lastBot = bots.at(-1)!;
while (lastBot.all("chat").filter((l) => l.text.startsWith("burst")).length < 5) await ticks(1);
const burstCharged = read() - baseline;
const burstFanOut = uncharged.ms - fanOutBefore;
let peak = read();
for (let s = 0; s < 10; s++) {
  sender.sendMessage("chat", { text: `steady ${s}` });
  for (let t = 0; t < 20; t++) {
    await ticks(1);
    peak = Math.max(peak, read());
  }
}
const fanOutTotal = uncharged.ms - fanOutBefore;
const elapsedS = (performance.now() - started) / 1000;
const heard = lastBot.all("chat").length;

// Per recipient: client.send (a fresh encode each) against the shared bytes, over the room's real sockets.
const room = (await import("@colyseus/core")).matchMaker.getLocalRoomById(roomId) as unknown as WorldRoom;
const clients = room.clients as PlayClient[];
const line = {
  id: 1,
  kind: "player" as const,
  text: "a line of ordinary length, say forty chars",
  from: "Someone",
  fromId: "p1",
  at: Date.now(),
};
const t0 = performance.now();
for (const client of clients) client.send("chat", line as never);
const t1 = performance.now();
const bytes = getMessageBytes.raw(Protocol.ROOM_DATA, "chat", line);
for (const client of clients) client.enqueueRaw(bytes);
const t2 = performance.now();

console.log(
  JSON.stringify(
    {
      recipients: clients.length,
      burstLines: 5,
      burstChargedMs: +burstCharged.toFixed(2),
      burstFanOutMsUncharged: +burstFanOut.toFixed(2),
      senderPeakChargedMsPerS: +peak.toFixed(2),
      fanOutMsTotal: +fanOutTotal.toFixed(2),
      elapsedS: +elapsedS.toFixed(1),
      linesHeardByLastBot: heard,
      perRecipientUsSend: +(((t1 - t0) * 1000) / clients.length).toFixed(2),
      perRecipientUsSharedBytes: +(((t2 - t1) * 1000) / clients.length).toFixed(2),
    },
    null,
    2,
  ),
);
for (const bot of bots) bot.close();
await app.close();
process.exit(0);
