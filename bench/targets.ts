import type { Capacity } from "./capacity.ts";
import type { Figures } from "./scenarioRunner.ts";

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

const ONE_TICK_MS = 50;

/** The targets, judged on this run's figures (null = scenario not run). */
export function checkTargets(results: Figures[], capacity: Capacity | undefined): TargetCheck[] {
  const by = (name: string) => results.find((r) => r.scenario === name);
  const checks: TargetCheck[] = [];
  const add = (target: string, measured: string, met: boolean | null) => checks.push({ target, measured, met });

  const room = by("room-100");
  const roomBase = by("baseline room-100");
  if (room !== undefined) {
    const b = room.bytesPerEntityUpdate;
    add(
      "room-100: ≤ 8 payload bytes per moving-entity update",
      b === null ? "n/a" : `${b.toFixed(2)} B`,
      b !== null && b <= 8,
    );
    if (roomBase !== undefined) {
      const ratio = roomBase.bytesPerClientPerS.median / room.bytesPerClientPerS.median;
      add("room-100: bytes/client/s ≥ 5× lower than baseline", `${ratio.toFixed(1)}× lower`, ratio >= 5);
    }
  }

  const rooms = by("rooms-500");
  const roomsBase = by("baseline rooms-500");
  if (rooms !== undefined) {
    add(`rooms-500: ${rooms.players} CCU`, `${rooms.ccu}`, rooms.ccu >= rooms.players);
    add("rooms-500: tick p99 < 5 ms", `${rooms.tickMs.p99.toFixed(2)} ms`, rooms.tickMs.p99 < 5);
    add("rooms-500: event-loop delay p99 < 20 ms", `${rooms.eventLoopP99Ms.toFixed(1)} ms`, rooms.eventLoopP99Ms < 20);
    add(
      "rooms-500: server CPU < 60% of one core",
      `${rooms.serverCpuPercent.toFixed(1)}%`,
      rooms.serverCpuPercent < 60,
    );
    add("rooms-500: no disconnects", `${rooms.disconnects}`, rooms.disconnects === 0 && rooms.joinFailures === 0);
    if (roomsBase !== undefined) {
      const ratio = roomsBase.serverCpuPercent / rooms.serverCpuPercent;
      const measured = ratio >= 1 ? `${ratio.toFixed(2)}× lower` : `${(1 / ratio).toFixed(2)}× higher`;
      add("rooms-500: CPU ≥ 2× lower than baseline", measured, ratio >= 2);
    }
  }

  const big = by("world-1000");
  const small = by("world-250");
  if (big !== undefined && small !== undefined) {
    const state = big.stateBytesPerClientPerS.median / small.stateBytesPerClientPerS.median;
    const total = big.bytesPerClientPerS.median / small.bytesPerClientPerS.median;
    add(
      "world-1000: state bytes/client/s within 25% of world-250",
      `${((state - 1) * 100).toFixed(1)}%`,
      Math.abs(state - 1) <= 0.25,
    );
    add(
      "world-1000: all bytes/client/s (state + local chat) within 25% of world-250",
      `${((total - 1) * 100).toFixed(1)}%`,
      Math.abs(total - 1) <= 0.25,
    );
    add(
      "world-1000: tick (incl. interest update) p99 < one tick",
      `${big.tickMs.p99.toFixed(2)} ms`,
      big.tickMs.p99 < ONE_TICK_MS,
    );
  }

  if (capacity !== undefined) {
    add(
      "largest CCU with event-loop delay p99 < one tick (aim 2,000)",
      `${capacity.largestCcu}`,
      capacity.largestCcu >= 2000,
    );
  }
  return checks;
}
