/**
 * The naive baseline: what a first multiplayer server often looks like. Plain
 * `ws`, JSON of the whole room state to every client every tick, same tick
 * rate, same movement rules (`applyInput`), same one-input-per-tick buffer.
 * It exists only so every benchmark figure has a ratio against it.
 *
 * Env: PORT (0 = any), ROOM_SIZE (players per room; a full room opens another).
 * It exposes the same `/metrics` families the real server does (subset).
 */
import { createServer } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { createMetrics } from "../../server/metrics/Metrics.ts";
import { spawnPoint } from "../../server/rooms/spawn.ts";
import { ARENA_BOUNDS, TICK_HZ, TICK_SECONDS, applyInput, randomInt, type Direction } from "../../shared/index.ts";

const port = Number(process.env.PORT ?? 0);
const roomSize = Number(process.env.ROOM_SIZE ?? 64);
const INPUT_BUFFER = 8;

interface NaivePlayer {
  id: string;
  socket: WebSocket;
  state: { name: string; x: number; y: number; hue: number };
  inputs: Direction[];
  consumed: number;
}

interface NaiveRoom {
  players: Map<string, NaivePlayer>;
  chatId: number;
}

const metrics = createMetrics();
const tick = metrics.tickDuration.labels({ room: "naive" });
const patch = metrics.patchDuration.labels({ room: "naive" });
const patchBytes = metrics.patchBytes.labels({ room: "naive" });
const rooms: NaiveRoom[] = [];
let nextId = 1;

const http = createServer((req, res) => {
  if (req.url !== "/metrics") return void res.writeHead(404).end();
  void metrics.registry
    .metrics()
    .then((text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text));
});
const wss = new WebSocketServer({ server: http });

wss.on("connection", (socket, req) => {
  const name = new URL(req.url ?? "/", "http://x").searchParams.get("name") ?? "guest";
  let room = rooms.find((r) => r.players.size < roomSize);
  if (room === undefined) {
    room = { players: new Map(), chatId: 1 };
    rooms.push(room);
    metrics.rooms.inc({ room: "naive" });
  }
  const joined = room;
  const spawn = spawnPoint(Math.random, ARENA_BOUNDS);
  const player: NaivePlayer = {
    id: String(nextId++),
    socket,
    state: { name: name.slice(0, 16), x: spawn.x, y: spawn.y, hue: randomInt(Math.random, 0, 255) },
    inputs: [],
    consumed: 0,
  };
  joined.players.set(player.id, player);
  metrics.clients.inc({ room: "naive" });

  socket.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { dx?: number; dy?: number; chat?: string };
    if (typeof message.chat === "string") {
      metrics.messagesReceived.inc({ type: "chat" });
      const line = JSON.stringify({
        chat: { id: joined.chatId++, from: player.id, name: player.state.name, text: message.chat, at: Date.now() },
      });
      for (const other of joined.players.values()) send(other, line);
      return;
    }
    metrics.messagesReceived.inc({ type: "input" });
    player.inputs.push({ dx: Number(message.dx), dy: Number(message.dy) });
    if (player.inputs.length > INPUT_BUFFER) {
      player.inputs.shift();
      player.consumed++;
    }
  });
  socket.on("close", () => {
    joined.players.delete(player.id);
    metrics.clients.dec({ room: "naive" });
  });
});

function send(player: NaivePlayer, text: string): void {
  metrics.addBytesSent(Buffer.byteLength(text));
  player.socket.send(text);
}

setInterval(() => {
  const started = performance.now();
  for (const room of rooms) {
    for (const player of room.players.values()) {
      const input = player.inputs.shift();
      if (input === undefined) continue;
      applyInput(player.state, input, TICK_SECONDS);
      player.consumed++;
    }
  }
  const ticked = performance.now();
  tick.observe((ticked - started) / 1000);
  for (const room of rooms) {
    const players: Record<string, NaivePlayer["state"]> = {};
    for (const p of room.players.values()) players[p.id] = p.state;
    const body = JSON.stringify(players);
    for (const player of room.players.values()) {
      const text = `{"ack":${player.consumed},"players":${body}}`;
      patchBytes.observe(text.length);
      send(player, text);
    }
  }
  patch.observe((performance.now() - ticked) / 1000);
}, 1000 / TICK_HZ);

http.listen(port, "127.0.0.1", () => {
  const address = http.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  console.log(JSON.stringify({ msg: "tickwire listening", port: bound, server: "naive" }));
});

process.once("SIGTERM", () => {
  wss.close();
  http.close();
  process.exit(0);
});
