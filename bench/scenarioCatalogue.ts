import type { Scenario } from "./scenarioRunner.ts";

export type Mode = "full" | "quick";

/**
 * The scenarios. Quick mode keeps every scenario and every figure but
 * shrinks players and windows so the whole run fits in under a minute (a
 * smoke check for CI: figures are produced and decoded states match).
 */
export function scenarios(mode: Mode): Scenario[] {
  const quick = mode === "quick";
  const time = quick ? { warmupS: 1, measureS: 3 } : { warmupS: 5, measureS: 15 };
  const scale = (full: number, small: number) => (quick ? small : full);
  const room100 = scale(100, 60);
  const rooms = scale(20, 2);
  // Same density at both sizes: 1,000 on 4000² and 250 on 2000² (quick: 200 and 50).
  const world = (players: number, size: number): Scenario => ({
    name: `world-${players}`,
    server: "tickwire",
    room: "world",
    players: quick ? players / 5 : players,
    env: { WORLD_SIZE: String(size) },
    sdkEvery: 50,
    ...time,
    note: `${size}×${size} map, area of interest on`,
  });
  const world10Hz: Scenario = {
    ...world(1000, 4000),
    name: "world-1000 @10Hz",
    env: { WORLD_SIZE: "4000", WORLD_PATCH_HZ: "10" },
    note: "4000×4000, area of interest on, 10 state patches/s",
  };
  return [
    {
      name: "room-100",
      server: "tickwire",
      room: "arena",
      players: room100,
      env: { MAX_CLIENTS: String(room100) },
      sdkEvery: 25,
      ...time,
    },
    {
      name: "rooms-500",
      server: "tickwire",
      room: "arena",
      players: rooms * 25,
      env: { MAX_CLIENTS: "25" },
      sdkEvery: 25,
      ...time,
      note: `${rooms} rooms × 25`,
    },
    world(1000, 4000),
    world(250, 2000),
    ...(quick ? [] : [world10Hz]),
    {
      name: "baseline room-100",
      server: "naive",
      room: "arena",
      players: room100,
      env: { ROOM_SIZE: String(room100) },
      sdkEvery: Number.POSITIVE_INFINITY,
      ...time,
    },
    {
      name: "baseline rooms-500",
      server: "naive",
      room: "arena",
      players: rooms * 25,
      env: { ROOM_SIZE: "25" },
      sdkEvery: Number.POSITIVE_INFINITY,
      ...time,
    },
  ];
}
