/**
 * Commands typed in chat. Parsing is shared so the client can offer the same
 * table in its `/help` and check a line before sending; the server decides.
 */
import { Role } from "./identity.ts";

export const ChatCommand = {
  Whisper: "w",
  Mute: "mute",
  Unmute: "unmute",
  Kick: "kick",
} as const;
export type ChatCommand = (typeof ChatCommand)[keyof typeof ChatCommand];

export interface ChatCommandInfo {
  command: ChatCommand;
  /** Other names typed after the slash for the same command. */
  aliases: readonly string[];
  usage: string;
  summary: string;
  /** Lowest role allowed to use it. */
  role: Role;
}

/** Every command the server understands, in the order a help should list them. */
export const CHAT_COMMANDS: readonly ChatCommandInfo[] = [
  {
    command: ChatCommand.Whisper,
    aliases: ["whisper", "msg"],
    usage: "/w <name> <text>",
    summary: "Whisper to one player: only you and they see it.",
    role: Role.Player,
  },
  {
    command: ChatCommand.Mute,
    aliases: [],
    usage: "/mute <name> [minutes]",
    summary: "Stop a player from chatting and whispering (default and maximum set by the server).",
    role: Role.Moderator,
  },
  {
    command: ChatCommand.Unmute,
    aliases: [],
    usage: "/unmute <name>",
    summary: "Lift a mute.",
    role: Role.Moderator,
  },
  {
    command: ChatCommand.Kick,
    aliases: [],
    usage: "/kick <name> [reason]",
    summary: "Remove a player from the room (they may rejoin).",
    role: Role.Moderator,
  },
];

/** Shown with usage errors and in help: how to name a player whose name has spaces. */
export const NAME_QUOTING_HINT = 'Quote names with spaces: /w "Big Bob" hi. Start a line with // to say it with one /.';

/** What a cleaned chat line asks for. */
export type ParsedChat =
  | { type: "say"; text: string }
  | { type: typeof ChatCommand.Whisper; target: string; text: string }
  | { type: typeof ChatCommand.Mute; target: string; minutes: number | undefined }
  | { type: typeof ChatCommand.Unmute; target: string }
  | { type: typeof ChatCommand.Kick; target: string; reason: string | undefined }
  | { type: "invalid"; command: ChatCommand; usage: string }
  | { type: "unknown"; command: string };

/** `/name rest`: a command word starts with a letter, so "/ 3" or ":/" stay plain text. */
const COMMAND = /^\/(\p{L}[\p{L}\p{N}_-]*)(?:\s+([^]*))?$/u;
const MINUTES = /^\d{1,6}(?:\.\d{1,3})?$/;

const byName = new Map<string, ChatCommandInfo>();
for (const info of CHAT_COMMANDS) {
  byName.set(info.command, info);
  for (const alias of info.aliases) byName.set(alias, info);
}

export function commandInfo(command: ChatCommand): ChatCommandInfo {
  const info = byName.get(command);
  if (info === undefined) throw new Error(`no such command: ${command}`);
  return info;
}

/**
 * Read a chat line (already cleaned: trimmed, whitespace collapsed) as a
 * plain line or a command. Never throws: anything malformed becomes
 * "invalid" or "unknown" for the server to reject with a reason.
 */
export function parseChatCommand(text: string): ParsedChat {
  // "//" escapes a line that should start with a slash.
  if (text.startsWith("//")) return { type: "say", text: text.slice(1) };
  const match = COMMAND.exec(text);
  if (match === null) return { type: "say", text };
  const word = (match[1] ?? "").toLowerCase();
  const args = (match[2] ?? "").trim();
  const info = byName.get(word);
  if (info === undefined) return { type: "unknown", command: word };
  const invalid: ParsedChat = { type: "invalid", command: info.command, usage: info.usage };

  const named = takeName(args);
  if (named === undefined) return invalid;
  const { target, rest } = named;
  switch (info.command) {
    case ChatCommand.Whisper:
      return rest === "" ? invalid : { type: ChatCommand.Whisper, target, text: rest };
    case ChatCommand.Mute: {
      if (rest === "") return { type: ChatCommand.Mute, target, minutes: undefined };
      const minutes = Number(rest);
      return MINUTES.test(rest) && minutes > 0 ? { type: ChatCommand.Mute, target, minutes } : invalid;
    }
    case ChatCommand.Unmute:
      return rest === "" ? { type: ChatCommand.Unmute, target } : invalid;
    case ChatCommand.Kick:
      return { type: ChatCommand.Kick, target, reason: rest === "" ? undefined : rest };
  }
}

/**
 * The player name at the start of `args`: a double-quoted string (names may
 * contain spaces) or the first word. Undefined when there is none.
 */
function takeName(args: string): { target: string; rest: string } | undefined {
  if (args.startsWith('"')) {
    const close = args.indexOf('"', 1);
    if (close > 1) {
      const target = args.slice(1, close).trim();
      const rest = args.slice(close + 1);
      // `"Bob"hi` is a typo, not a name followed by text.
      if (target !== "" && (rest === "" || /^\s/u.test(rest))) return { target, rest: rest.trim() };
      return undefined;
    }
  }
  const space = args.search(/\s/u);
  const target = space === -1 ? args : args.slice(0, space);
  if (target === "") return undefined;
  return { target, rest: space === -1 ? "" : args.slice(space).trim() };
}
