import { WebSocket } from "ws";
import { emptyTraffic } from "./wire.ts";

/**
 * A player of the naive baseline server (bench/naive/server.ts): JSON over
 * `ws`, full state every patch, `ack` = inputs the server has consumed.
 */
export class NaiveBot {
  traffic = emptyTraffic();
  droppedWith: number | undefined;
  private closing = false;
  private sent = 0;
  private readonly pending: Array<{ seq: number; at: number }> = [];

  private constructor(private readonly ws: WebSocket) {}

  static connect(wsUrl: string, name: string): Promise<NaiveBot> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${wsUrl}/?name=${encodeURIComponent(name)}`);
      const bot = new NaiveBot(ws);
      ws.once("open", () => resolve(bot));
      ws.once("error", reject);
      ws.once("close", (code) => {
        if (!bot.closing) bot.droppedWith = code;
      });
      ws.on("message", (data: Buffer) => bot.receive(data));
    });
  }

  move(dx: number, dy: number): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify({ dx, dy }));
    this.pending.push({ seq: ++this.sent, at: performance.now() });
  }

  chat(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ chat: text }));
  }

  resetTraffic(): void {
    this.traffic = emptyTraffic();
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.close();
    });
  }

  private receive(data: Buffer): void {
    this.traffic.bytes += data.length;
    // State frames start with {"ack": — the only thing a naive client parses besides JSON.parse itself.
    if (data[2] !== 0x61) return;
    this.traffic.stateBytes += data.length;
    this.traffic.patches++;
    const { ack } = JSON.parse(data.toString()) as { ack: number };
    const now = performance.now();
    let settled = 0;
    while (settled < this.pending.length && (this.pending[settled]?.seq ?? Infinity) <= ack) {
      this.traffic.ackMs.push(now - (this.pending[settled]?.at ?? now));
      settled++;
    }
    if (settled > 0) this.pending.splice(0, settled);
  }
}
