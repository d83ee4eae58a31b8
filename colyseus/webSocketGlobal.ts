/**
 * Mirrors: @colyseus/core@0.18.17 src/Room.ts (Room#_onJoin reads the global `WebSocket.OPEN` while a client reconnects)
 * Mirrors: ws@8.23.0 index.js (the WebSocket class)
 *
 * Colyseus 0.18 targets Node ≥ 22 and reads the global `WebSocket` during
 * reconnection; Node 20 has none. Importing this module first provides `ws`'s.
 */
import { WebSocket as NodeWebSocket } from "ws";

if (globalThis.WebSocket === undefined) {
  globalThis.WebSocket = NodeWebSocket as unknown as typeof globalThis.WebSocket;
}
