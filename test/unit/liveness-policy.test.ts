import { describe, expect, it } from "vitest";
import { placeNewRoom, suspects, withoutDeadProcesses } from "../../server/cluster/livenessPolicy.ts";

/** The pure rules of server/cluster/livenessPolicy.ts (the I/O around them: test/cluster/crash.test.ts). */
describe("which processes a liveness round health-checks", () => {
  const listed = ["self", "live", "killed", "frozen"];
  const subscribed = new Set(["self", "live", "frozen"]);
  const beating = new Set(["self", "live", "killed"]);

  it("suspects a process no longer subscribed (killed) and one no longer renewing its key (frozen), never itself", () => {
    expect(suspects(listed, "self", subscribed, beating)).toEqual(["killed", "frozen"]);
    expect(suspects(["self"], "self", new Set(), new Set())).toEqual([]);
  });

  it("leaves a subscribed, beating process alone", () => {
    expect(suspects(["live"], "self", subscribed, beating)).toEqual([]);
  });
});

describe("where a new room goes", () => {
  const dead = (id: string) => id === "killed";

  it("is Colyseus' rule (fewest rooms) among the live processes", () => {
    const stats = [
      { processId: "self", roomCount: 3 },
      { processId: "killed", roomCount: 0 },
      { processId: "live", roomCount: 1 },
    ];
    expect(placeNewRoom(stats, dead, "self")).toBe("live");
    expect(placeNewRoom(stats, () => false, "self")).toBe("killed");
  });

  it("is this process when no live one is listed, and never refuses this process", () => {
    expect(placeNewRoom([], dead, "self")).toBe("self");
    expect(placeNewRoom([{ processId: "killed", roomCount: 0 }], dead, "self")).toBe("self");
    expect(placeNewRoom([{ processId: "self", roomCount: 9 }], () => true, "self")).toBe("self");
  });
});

describe("the rooms matchmaking may offer", () => {
  it("drops the rooms of dead processes and keeps the order of the rest", () => {
    const rooms = [
      { roomId: "r1", processId: "live" },
      { roomId: "r2", processId: "killed" },
      { roomId: "r3", processId: "self" },
    ];
    expect(withoutDeadProcesses(rooms, (id) => id === "killed").map((room) => room.roomId)).toEqual(["r1", "r3"]);
  });
});
