import { TICK_HZ, seededRandom, type Random } from "../../shared/index.ts";
import type { Traffic } from "./wire.ts";

/** What the fleet drives: a raw-protocol, SDK or naive-baseline player. */
export interface Bot {
  traffic: Traffic;
  droppedWith: number | undefined;
  move(dx: number, dy: number): void;
  chat(text: string): void;
  resetTraffic(): void;
  close(): Promise<void>;
}

/** Bots turn every 0.4–0.6 s (the "~0.5 s") and chat about once every this many seconds. */
const TURN_MIN_MS = 400;
const TURN_SPREAD_MS = 200;
export const CHAT_PERIOD_S = 30;
/** Inputs go out in this many phases per tick, so 1,000 bots do not send in one burst. */
const PHASES = 10;

interface Brain {
  dx: number;
  dy: number;
  turnAt: number;
}

export interface WindowFigures {
  seconds: number;
  /** Per connected bot, payload bytes received per second. */
  bytesPerS: number[];
  stateBytesPerS: number[];
  /** Every input→ack latency measured in the window, ms. */
  ackMs: number[];
}

/**
 * Plays a set of bots like people: continuous movement in a direction that
 * changes every ~0.5 s, one input per tick per bot, and an occasional chat line.
 */
export class Fleet {
  readonly bots: Bot[] = [];
  private readonly brains: Brain[] = [];
  private readonly random: Random;
  private timers: NodeJS.Timeout[] = [];
  private windowStart = performance.now();

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  add(bot: Bot): void {
    this.bots.push(bot);
    this.brains.push({ dx: 0, dy: 0, turnAt: 0 });
  }

  start(): void {
    const tickMs = 1000 / TICK_HZ;
    for (let phase = 0; phase < PHASES; phase++) {
      const offset = setTimeout(
        () => {
          this.timers.push(setInterval(() => this.play(phase), tickMs));
        },
        (phase * tickMs) / PHASES,
      );
      this.timers.push(offset);
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  resetWindow(): void {
    for (const bot of this.bots) bot.resetTraffic();
    this.windowStart = performance.now();
  }

  window(): WindowFigures {
    const seconds = (performance.now() - this.windowStart) / 1000;
    const live = this.bots.filter((b) => b.droppedWith === undefined);
    return {
      seconds,
      bytesPerS: live.map((b) => b.traffic.bytes / seconds),
      stateBytesPerS: live.map((b) => b.traffic.stateBytes / seconds),
      ackMs: live.flatMap((b) => b.traffic.ackMs),
    };
  }

  get disconnects(): number {
    return this.bots.filter((b) => b.droppedWith !== undefined).length;
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.all(this.bots.map((b) => b.close().catch(() => undefined)));
  }

  private play(phase: number): void {
    const now = performance.now();
    const chatChance = 1 / (CHAT_PERIOD_S * TICK_HZ);
    for (let i = phase; i < this.bots.length; i += PHASES) {
      const bot = this.bots[i];
      const brain = this.brains[i];
      if (bot === undefined || brain === undefined) continue;
      if (now >= brain.turnAt) {
        const angle = this.random() * 2 * Math.PI;
        brain.dx = Math.cos(angle);
        brain.dy = Math.sin(angle);
        brain.turnAt = now + TURN_MIN_MS + this.random() * TURN_SPREAD_MS;
      }
      bot.move(brain.dx, brain.dy);
      if (this.random() < chatChance) bot.chat(`gg ${Math.floor(this.random() * 1000)}`);
    }
  }
}
