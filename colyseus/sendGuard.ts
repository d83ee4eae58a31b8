import type { WebSocket } from "ws";

/**
 * Mirrors: ws@8.23.0 lib/websocket.js (WebSocket#send, #bufferedAmount, #terminate)
 * Mirrors: @colyseus/ws-transport@0.18.4 src/WebSocketClient.ts (WebSocketClient#raw → `this.ref.send`)
 *
 * Cut off a client that stops reading before it can grow server memory.
 *
 * Every byte the server sends a client goes through `ws.send` (Colyseus'
 * WebSocketClient.raw → `this.ref.send`), and what the peer has not read
 * piles up in the socket's write queue, which `ws` reports as
 * `bufferedAmount`. Colyseus never looks at it. Checked before each send, so
 * a connection's queue is bounded by the cap plus one message.
 *
 * A client over the cap is terminated, not closed: a close frame would queue
 * behind the very backlog that is the problem. The peer sees 1006, like a
 * network drop, and the SDK's automatic reconnection may bring it back with a
 * fresh full state, which is the right cure for an honest client that stalled.
 */
export function guardSlowConsumer(ws: WebSocket, maxBufferedBytes: number, onCutOff: (buffered: number) => void): void {
  const send = ws.send.bind(ws) as (...args: unknown[]) => void;
  let cut = false;
  const guardedSend = (...args: unknown[]): void => {
    if (cut) return;
    const buffered = ws.bufferedAmount;
    if (buffered > maxBufferedBytes) {
      cut = true;
      onCutOff(buffered);
      ws.terminate();
      return;
    }
    send(...args);
  };
  ws.send = guardedSend as WebSocket["send"];
}
