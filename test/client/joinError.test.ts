import { ErrorCode, MatchMakeError } from "@colyseus/sdk";
import { describe, expect, it } from "vitest";
import { UNREACHABLE_MESSAGE, describeJoinError } from "../../client/net/join.ts";

describe("describeJoinError", () => {
  it("says the server cannot be reached when matchmaking got no answer (the SDK's MatchMakeError without a status)", () => {
    // What the SDK throws in a browser when fetch fails: the TypeError's message and no code.
    expect(describeJoinError(new MatchMakeError("Failed to fetch", undefined as unknown as number))).toBe(
      UNREACHABLE_MESSAGE,
    );
    // In Node the code is the socket error's name.
    expect(describeJoinError(new MatchMakeError("fetch failed", "ECONNREFUSED" as unknown as number))).toBe(
      UNREACHABLE_MESSAGE,
    );
  });

  it("says the same for a proxy with nothing behind it and for a failed token request", () => {
    for (const status of [502, 503, 504])
      expect(describeJoinError(new MatchMakeError("Bad Gateway", status))).toBe(UNREACHABLE_MESSAGE);
    expect(describeJoinError(new TypeError("Failed to fetch"))).toBe(UNREACHABLE_MESSAGE);
    expect(describeJoinError(new Error("could not get a player token (HTTP 502)"))).toBe(UNREACHABLE_MESSAGE);
  });

  it("keeps the specific words for a missing or full room", () => {
    expect(describeJoinError(new MatchMakeError("gone", ErrorCode.MATCHMAKE_INVALID_ROOM_ID))).toBe(
      "That room does not exist any more.",
    );
    expect(describeJoinError(new MatchMakeError("locked", ErrorCode.MATCHMAKE_INVALID_CRITERIA))).toBe(
      "That room is full or closed.",
    );
  });
});
