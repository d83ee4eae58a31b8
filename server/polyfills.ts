/**
 * Colyseus 0.18 targets Node ≥ 22 and reads the global `WebSocket` during
 * reconnection; Node 20 has none. Importing this module first provides `ws`'s.
 */
import { WebSocket as NodeWebSocket } from "ws";

if (globalThis.WebSocket === undefined) {
  globalThis.WebSocket = NodeWebSocket as unknown as typeof globalThis.WebSocket;
}
