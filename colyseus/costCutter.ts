import { performance } from "node:perf_hooks";
import type { WebSocket } from "ws";
import { TickwireCloseCode } from "../shared/index.ts";
import {
  COST_SWEEP_MS,
  ConnectionCosts,
  type ConnectionCostSettings,
  type ConnectionLabel,
  type Cut,
} from "../server/net/connectionCost.ts";
import { LoopLagProbe } from "../server/net/loopLag.ts";
import { closeOnPurpose, reconnectionDenied } from "./closeSocket.ts";

/**
 * Mirrors: ws@8.23.0 lib/websocket.js (WebSocket#bufferedAmount, #terminate, #close, the 'close' event)
 *
 * Applies the connection cost policy (server/net/connectionCost.ts) to the
 * sockets: the frame tap (frameTap.ts) reports each frame's admit + dispatch
 * time here, a sweep every COST_SWEEP_MS reads every socket's unsent queue
 * (`bufferedAmount`) and the event-loop delay, and the connections the
 * policy names are cut:
 *
 * - `cpu`, `frames`, `loop_lag`: closed on purpose with 4413 "too costly:
 *   <reason>" (no reconnection seat; frames in flight are not dispatched);
 * - `queued_bytes`: terminated, as the slow-consumer cap does (sendGuard.ts):
 *   a close frame would wait behind the very backlog being freed. The peer
 *   sees 1006.
 */
export class CostCutter {
  readonly costs: ConnectionCosts<WebSocket>;
  private readonly lag = new LoopLagProbe();
  private readonly timer: NodeJS.Timeout;

  /** `onCut` logs and counts (edge.connectionCut); it runs before the socket is closed. */
  constructor(
    settings: ConnectionCostSettings,
    private readonly onCut: (cut: Cut<WebSocket>) => void,
  ) {
    this.costs = new ConnectionCosts(settings);
    this.timer = setInterval(() => this.sweep(), COST_SWEEP_MS);
    this.timer.unref();
  }

  /**
   * Meter `ws` from now until it closes; returns what the frame tap calls
   * after each frame, with the time charged to it and `performance.now()` after it.
   */
  meter(ws: WebSocket, label: ConnectionLabel): FrameMeter {
    const connection = this.costs.open(ws, label, performance.now());
    ws.once("close", () => this.costs.close(connection));
    return (chargedMs, endedAt, bytes) => {
      const cut = this.costs.frame(connection, chargedMs, bytes, endedAt);
      if (cut !== undefined) this.apply(cut);
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.lag.close();
  }

  private sweep(): void {
    for (const cut of this.costs.sweep(performance.now(), this.lag.take(), bufferedAmountOf)) this.apply(cut);
  }

  private apply(cut: Cut<WebSocket>): void {
    const ws = cut.subject;
    // Already closed on purpose for another reason (the same frame broke a rule): one close, one log line.
    if (reconnectionDenied(ws)) return;
    this.onCut(cut);
    if (cut.reason === "queued_bytes") ws.terminate();
    else closeOnPurpose(ws, TickwireCloseCode.TooCostly, `too costly: ${cut.reason}`);
  }
}

/**
 * Called by the frame tap once per frame: the ms charged for admitting and dispatching it (its whole time, less
 * fan-outs; 0 for the JOIN_ROOM acknowledgement: frameTap.ts), the clock after it, its length.
 */
export type FrameMeter = (chargedMs: number, endedAt: number, bytes: number) => void;

function bufferedAmountOf(ws: WebSocket): number {
  return ws.bufferedAmount;
}
