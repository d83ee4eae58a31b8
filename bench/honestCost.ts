/**
 * What an honest player costs the connection cost meter (the one figure
 * server/config.ts, docs/configuration.md and SECURITY.md quote). Not part of
 * `npm run bench`: `node --import tsx bench/honestCost.ts`.
 *
 * 32 wire bots (bench/bots/wire.ts: the SDK's frames) in one arena room, each
 * sending one movement input per tick (20/s) and one chat line a second, as a
 * chatty player does. After 5 s of warm-up (the JIT), every connection's
 * meter (charged dispatch ms, decay-weighted over ~1 s) is read every 500 ms
 * for 20 s. Printed: the mean over connections and samples, the p99 sample,
 * the peak, and frames per second per connection.
 */
import { performance } from "node:perf_hooks";
import { WireBot, seatUrl } from "./bots/wire.ts";
import { reserveSeat } from "../colyseus/wireClient.ts";
import { createApp } from "../server/app.ts";
import { TokenService } from "../server/auth/TokenService.ts";
import { COST_WINDOW_MS } from "../server/net/connectionCost.ts";
import { defaultConfig } from "../server/config.ts";
import { Role } from "../shared/index.ts";
import { quantile } from "./lib/stats.ts";

const PLAYERS = 32;
const SECRET = "honest-cost-measure-secret-0123456789";
const config = defaultConfig({
  host: "127.0.0.1",
  logLevel: "silent",
  client: { mode: "none" },
  auth: { secret: SECRET },
  net: { maxPendingSeatsPerIp: 1000, httpBurst: 1_000_000, httpRatePerMinute: 60_000_000 },
  arena: { maxSeatsPerIp: 1000 },
  // Moderation is not measured: a line a second is within its defaults anyway (burst 5, 1/s).
});
const app = createApp(config);
const port = await app.listen(0, "127.0.0.1");
const httpUrl = `http://127.0.0.1:${port}`;
const tokens = new TokenService({ secret: new TextEncoder().encode(SECRET), ttlSeconds: 3600 });
const token = async (name: string) =>
  (await tokens.issue({ playerId: TokenService.newPlayerId(), name, role: Role.Player })).token;

const bots: WireBot[] = [];
for (let i = 0; i < PLAYERS; i++) {
  const t = await token(`P${i}`);
  const seat = await reserveSeat(httpUrl, "arena", t);
  const bot = new WireBot(seat);
  await bot.connect(seatUrl(`ws://127.0.0.1:${port}`, seat, t));
  bots.push(bot);
}
let tick = 0;
const mover = setInterval(() => {
  tick++;
  bots.forEach((bot, i) => {
    bot.move(Math.sin(tick / 10 + i), Math.cos(tick / 10 + i));
    if ((tick + i) % 20 === 0) bot.chat(`hello from ${i} at ${tick}`);
  });
}, 50);

type Metered = { label: { sessionId?: string }; cpuMs: number; frames: number; decayTo(now: number): void };
const connections = (): Metered[] =>
  [
    ...(
      app.transport.costs.costs as unknown as { addresses: Map<string, { connections: Set<Metered> }> }
    ).addresses.values(),
  ].flatMap((a) => [...a.connections]);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
await wait(5000);
const samples: number[] = [];
const frames: number[] = [];
for (let s = 0; s < 40; s++) {
  await wait(500);
  const now = performance.now();
  for (const c of connections()) {
    c.decayTo(now);
    samples.push(c.cpuMs / (COST_WINDOW_MS / 1000));
    frames.push(c.frames / (COST_WINDOW_MS / 1000));
  }
}
clearInterval(mover);
const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
console.log(
  JSON.stringify({
    players: PLAYERS,
    connections: connections().length,
    samples: samples.length,
    meanMsPerS: +mean.toFixed(2),
    p99MsPerS: +quantile(samples, 0.99).toFixed(2),
    peakMsPerS: +Math.max(...samples).toFixed(2),
    framesPerS: +(frames.reduce((a, b) => a + b, 0) / frames.length).toFixed(1),
  }),
);
await Promise.all(bots.map((bot) => bot.close()));
await app.close();
process.exit(0);
