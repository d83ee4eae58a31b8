import { describe, expect, it } from "vitest";
import { resolveTarget, type Candidate } from "../../server/chat/targets.ts";
import { formatDuration, hasRole, outranks } from "../../shared/index.ts";

const roster: Candidate[] = [
  { sessionId: "s1", playerId: "p_bob", name: "Bob", role: "player" },
  { sessionId: "s2", playerId: "p_zoe", name: "Zoë", role: "moderator" },
  { sessionId: "s3", playerId: "p_twin1", name: "Twin", role: "player" },
  { sessionId: "s4", playerId: "p_twin2", name: "twin", role: "player" },
  { sessionId: "s5", playerId: "p_bob", name: "Bob", role: "player" },
  { playerId: "p_gone", name: "Gone", role: "player" },
];

describe("resolveTarget", () => {
  it("matches names case-insensitively and across Unicode compositions", () => {
    expect(resolveTarget("ZOË", roster)).toMatchObject({ ok: true, target: { playerId: "p_zoe", sessionIds: ["s2"] } });
    expect(resolveTarget("zoe\u0308", roster)).toMatchObject({ ok: true, target: { playerId: "p_zoe" } });
  });

  it("treats several sessions of one player id as one target", () => {
    expect(resolveTarget("bob", roster)).toEqual({
      ok: true,
      target: { playerId: "p_bob", name: "Bob", role: "player", sessionIds: ["s1", "s5"] },
    });
  });

  it("says when a name is ambiguous or unknown", () => {
    expect(resolveTarget("TWIN", roster)).toEqual({
      ok: false,
      rejection: { reason: "ambiguous_name", name: "TWIN", matches: 2 },
    });
    expect(resolveTarget("Nobody", roster)).toEqual({
      ok: false,
      rejection: { reason: "no_such_player", name: "Nobody" },
    });
  });

  it("matches look-alikes (UTS #39 skeletons) and prefers the exact spelling", () => {
    const lookAlikes: Candidate[] = [
      { sessionId: "s1", playerId: "p_alice", name: "Alice", role: "player" },
      { sessionId: "s2", playerId: "p_mod", name: "Mod", role: "moderator" },
      // A muted troll who left with a look-alike of Alice's name.
      { playerId: "p_troll", name: "\u0410lice", role: "player" },
    ];
    expect(resolveTarget("M\u043Ed", lookAlikes)).toMatchObject({ ok: true, target: { playerId: "p_mod" } });
    expect(resolveTarget("\uFF2D\uFF4F\uFF44", lookAlikes)).toMatchObject({ ok: true, target: { playerId: "p_mod" } });
    expect(resolveTarget("alice", lookAlikes)).toMatchObject({ ok: true, target: { playerId: "p_alice" } });
    expect(resolveTarget("\u0410LICE", lookAlikes)).toMatchObject({ ok: true, target: { playerId: "p_troll" } });
    expect(resolveTarget("Al\u0456ce", lookAlikes)).toEqual({
      ok: false,
      rejection: { reason: "ambiguous_name", name: "Al\u0456ce", matches: 2 },
    });
  });

  it("finds a candidate who has no session (left the room)", () => {
    expect(resolveTarget("gone", roster)).toMatchObject({ ok: true, target: { playerId: "p_gone", sessionIds: [] } });
  });
});

describe("roles", () => {
  it("orders player < moderator < admin", () => {
    expect(hasRole("moderator", "moderator")).toBe(true);
    expect(hasRole("admin", "moderator")).toBe(true);
    expect(hasRole("player", "moderator")).toBe(false);
    expect(outranks("admin", "moderator")).toBe(true);
    expect(outranks("moderator", "moderator")).toBe(false);
    expect(outranks("moderator", "admin")).toBe(false);
  });
});

describe("formatDuration", () => {
  it.each([
    [60_000, "1 min"],
    [45_000, "45 s"],
    [90_000, "1 min 30 s"],
    [5_400_000, "1 h 30 min"],
    [86_400_000, "24 h"],
    [10, "1 s"],
  ])("%i ms reads %j", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
