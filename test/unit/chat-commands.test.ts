import { describe, expect, it } from "vitest";
import { CHAT_COMMANDS, ChatCommand, parseChatCommand } from "../../shared/index.ts";

describe("parseChatCommand", () => {
  it("reads plain text as a line", () => {
    expect(parseChatCommand("hello there")).toEqual({ type: "say", text: "hello there" });
    expect(parseChatCommand("a/b and /w later")).toEqual({ type: "say", text: "a/b and /w later" });
  });

  it.each([
    ["/ hello", "/ hello"],
    ["/3 is a number", "/3 is a number"],
    ["/", "/"],
    ["//w Bob hi", "/w Bob hi"],
    ["// shrug", "/ shrug"],
  ])("keeps %j as text", (text, said) => {
    expect(parseChatCommand(text)).toEqual({ type: "say", text: said });
  });

  it("reads whispers, with aliases and any case", () => {
    const expected = { type: ChatCommand.Whisper, target: "Bob", text: "meet at the tower" };
    expect(parseChatCommand("/w Bob meet at the tower")).toEqual(expected);
    expect(parseChatCommand("/W Bob meet at the tower")).toEqual(expected);
    expect(parseChatCommand("/whisper Bob meet at the tower")).toEqual(expected);
    expect(parseChatCommand("/msg  Bob   meet at the tower ")).toMatchObject({ target: "Bob" });
  });

  it("takes a quoted name with spaces", () => {
    expect(parseChatCommand('/w "Big Bob" hi there')).toEqual({
      type: ChatCommand.Whisper,
      target: "Big Bob",
      text: "hi there",
    });
    expect(parseChatCommand('/kick "Big Bob"')).toEqual({
      type: ChatCommand.Kick,
      target: "Big Bob",
      reason: undefined,
    });
  });

  it("reads mute with and without minutes", () => {
    expect(parseChatCommand("/mute Bob")).toEqual({ type: ChatCommand.Mute, target: "Bob", minutes: undefined });
    expect(parseChatCommand("/mute Bob 15")).toEqual({ type: ChatCommand.Mute, target: "Bob", minutes: 15 });
    expect(parseChatCommand("/mute Bob 0.5")).toEqual({ type: ChatCommand.Mute, target: "Bob", minutes: 0.5 });
  });

  it("reads unmute and kick with an optional reason", () => {
    expect(parseChatCommand("/unmute bob")).toEqual({ type: ChatCommand.Unmute, target: "bob" });
    expect(parseChatCommand("/kick Bob spamming links")).toEqual({
      type: ChatCommand.Kick,
      target: "Bob",
      reason: "spamming links",
    });
  });

  it.each([
    ["/w", ChatCommand.Whisper],
    ["/w Bob", ChatCommand.Whisper],
    ['/w "Bob"hi', ChatCommand.Whisper],
    ["/mute", ChatCommand.Mute],
    ["/mute Bob ten", ChatCommand.Mute],
    ["/mute Bob 0", ChatCommand.Mute],
    ["/mute Bob -5", ChatCommand.Mute],
    ["/mute Bob 1e9", ChatCommand.Mute],
    ["/mute Bob Infinity", ChatCommand.Mute],
    ["/mute Bob 5 extra", ChatCommand.Mute],
    ["/unmute", ChatCommand.Unmute],
    ["/unmute Big Bob", ChatCommand.Unmute],
    ["/kick", ChatCommand.Kick],
  ])("calls %j an invalid %s with its usage", (text, command) => {
    const parsed = parseChatCommand(text);
    expect(parsed).toMatchObject({ type: "invalid", command });
    expect(parsed.type === "invalid" && parsed.usage).toBe(CHAT_COMMANDS.find((c) => c.command === command)?.usage);
  });

  it("names an unknown command in lower case", () => {
    expect(parseChatCommand("/Dance now")).toEqual({ type: "unknown", command: "dance" });
    expect(parseChatCommand("/help")).toEqual({ type: "unknown", command: "help" });
  });

  it("lists each command once with a usage and a minimum role", () => {
    expect(CHAT_COMMANDS.map((c) => [c.command, c.role])).toEqual([
      ["w", "player"],
      ["mute", "moderator"],
      ["unmute", "moderator"],
      ["kick", "moderator"],
    ]);
    for (const c of CHAT_COMMANDS) expect(c.usage.startsWith(`/${c.command} <name>`)).toBe(true);
  });
});
