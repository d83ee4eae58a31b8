import { describe, expect, it } from "vitest";
import { upgradeTarget } from "../../server/net/upgradeTarget.ts";

describe("upgradeTarget: which upgrade targets name a room seat or the latency check", () => {
  it("reads the SDK's `/<processId>/<roomId>?sessionId=…` with its other query parameters", () => {
    expect(upgradeTarget("/AbC_1-xyz/room_42?sessionId=s-1_X")).toEqual({
      kind: "seat",
      processId: "AbC_1-xyz",
      roomId: "room_42",
      sessionId: "s-1_X",
    });
    expect(upgradeTarget("/p/r?sessionId=s&reconnectionToken=t&skipHandshake=1&_authToken=a.b.c")).toMatchObject({
      roomId: "r",
    });
    // Dot segments are resolved as the transport's own URL parse resolves them.
    expect(upgradeTarget("/x/../p/r?sessionId=s")).toMatchObject({ processId: "p", roomId: "r" });
  });

  it("serves the SDK's latency check: the root without a sessionId", () => {
    expect(upgradeTarget("/")).toEqual({ kind: "latency_check" });
    expect(upgradeTarget(undefined)).toEqual({ kind: "latency_check" });
    expect(upgradeTarget("/?sessionId=s")).toBeUndefined();
  });

  it.each([
    ["one segment", "/x?sessionId=s"],
    ["three segments", "/a/b/c?sessionId=s"],
    ["a trailing slash", "/p/r/?sessionId=s"],
    ["an encoded slash", "/..%2f..?sessionId=s"],
    ["matchmaking", "/matchmake/x"],
    ["no sessionId", "/p/r"],
    ["an empty sessionId", "/p/r?sessionId="],
    ["a sessionId with a slash", "/p/r?sessionId=../x"],
    ["a very long segment", `/p/${"a".repeat(65)}?sessionId=s`],
    ["a very long path", `/${"a/".repeat(4000)}?sessionId=s`],
    ["an absolute-form target", "http://x/p/r?sessionId=s"],
    ["an Object.prototype member as room", "/__proto__/constructor?sessionId=s"],
    ["toString as room", "/p/toString?sessionId=s"],
    ["__proto__ as process", "/__proto__/r?sessionId=s"],
    ["hasOwnProperty as session", "/p/r?sessionId=hasOwnProperty"],
  ])("refuses %s", (_what, target) => {
    expect(upgradeTarget(target)).toBeUndefined();
  });
});
