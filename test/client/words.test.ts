import { CloseCode, MatchMakeError } from "@colyseus/sdk";
import { describe, expect, it } from "vitest";
import { describeJoinError } from "../../client/net/join.ts";
import { NetMetrics } from "../../client/net/metrics.ts";
import { describeClose } from "../../client/net/session.ts";
import { hudText } from "../../client/ui/hud.ts";

describe("HUD words", () => {
  it("shows connection, RTT, players and rates", () => {
    const metrics = new NetMetrics();
    metrics.received(3000, 0);
    metrics.patched(0);
    metrics.patched(50);
    metrics.roundTrip(12.4);
    const text = hudText("connected", metrics.snapshot(1000), 1);
    expect(text).toEqual({
      connection: "connected",
      rtt: "RTT 12 ms",
      players: "1 player",
      graph: "2.9 KiB/s · patch 50 ms",
    });
    expect(hudText("reconnecting", new NetMetrics().snapshot(0), 3)).toMatchObject({
      rtt: "RTT –",
      players: "3 players",
    });
  });
});

describe("close and join messages", () => {
  it.each([
    [CloseCode.CONSENTED, /left/],
    [CloseCode.SERVER_SHUTDOWN, /restarting/],
    [CloseCode.FAILED_TO_RECONNECT, /could not get back/],
    [CloseCode.ABNORMAL_CLOSURE, /Lost the connection/],
    [4401, /moderator removed you from the room/],
    [4999, /4999/],
  ])("close %i", (code, expected) => {
    expect(describeClose(code)).toMatch(expected);
  });

  it("explains matchmaking failures", () => {
    expect(describeJoinError(new MatchMakeError("gone", 522))).toMatch(/does not exist/);
    expect(describeJoinError(new MatchMakeError("token_expired", 525))).toMatch(/token_expired/);
    expect(describeJoinError(new TypeError("fetch failed"))).toMatch(/reach the server/);
  });
});
