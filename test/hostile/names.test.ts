import { describe, expect, onTestFinished } from "vitest";
import { WireClient } from "../../colyseus/wireClient.ts";
import {
  MAX_STACKED_MARKS,
  Role,
  type ChatLine,
  type GuestTokenResponse,
  type ServerMessages,
} from "../../shared/index.ts";
import type { ArenaPlayer } from "../helpers/clients.ts";
import { joinAsRole } from "../helpers/operators.ts";
import { SECRET, attackerIp, fromIp, hostileCase, useHostileArena, type HostileArena } from "./harness.ts";

/**
 * Names that render like someone else's, and text that paints outside its
 * line. Every guest here comes through the real `POST /auth/guest` (where the
 * name is cleaned), each from an address of its own (so the request budget
 * never runs out); what counts is the name the room gives them and the text
 * other players receive.
 */
const get = useHostileArena();

const CYRILLIC_A = "\u0410";

type Guest = WireClient<ServerMessages> & { sessionId: string };

/** A guest named `name` by the real `POST /auth/guest`, joined to the arena, from a fresh address. */
async function guest(arena: HostileArena, name: string): Promise<Guest> {
  const ip = attackerIp();
  const response = await fetch(`${arena.ts.httpUrl}/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json", ...fromIp(ip) },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as GuestTokenResponse;
  const client = await WireClient.join<ServerMessages>(arena.ts, arena.room.roomId, token, fromIp(ip));
  // Left when the case ends, passed or failed: the next case starts without them.
  onTestFinished(() => client.leave());
  const sessionId = client.seat?.sessionId;
  if (sessionId === undefined) throw new Error("joined without a seat");
  return Object.assign(client, { sessionId });
}

function nameIn(arena: HostileArena, player: { sessionId: string }): string | undefined {
  return arena.room.state.players.get(player.sessionId)?.name;
}

/** A moderator joined with an operator token (`npm run token -- --role moderator`). */
async function joinModerator(arena: HostileArena, name: string): Promise<ArenaPlayer> {
  const moderator = await joinAsRole(arena.ts, arena.room.roomId, SECRET, { name, role: Role.Moderator });
  onTestFinished(async () => {
    await moderator.room.leave();
  });
  return moderator;
}

/** The next system line about `action`, as `player` received it. */
function notice(player: ArenaPlayer, action: string, after: number): Promise<ChatLine> {
  return player.inbox.waitFor(
    "chat",
    (line) => line.kind === "system" && line.id > after && line.notice.action === action,
  );
}

describe("look-alike names (UTS #39 skeletons)", () => {
  // [what the guest types, what the room must call them]: renamed exactly as a
  // duplicate ("alice" → "alice 2") would be, the spelling kept.
  const lookAlikes: Array<[string, string, string]> = [
    ["a Cyrillic capital А", `${CYRILLIC_A}lice`, `${CYRILLIC_A}lice 2`],
    ["a Cyrillic small і", "Al\u0456ce", "Al\u0456ce 2"],
    ["a fullwidth Ａ", "\uFF21lice", "\uFF21lice 2"],
    ["a trailing zero-width space", "Alice\u200B", "Alice 2"],
    ["a word joiner inside", "Al\u2060ice", "Alice 2"],
    ["a trailing variation selector U+FE0F", "Alice\uFE0F", "Alice 2"],
    ["a soft hyphen and a combining grapheme joiner", "Al\u00ADi\u034Fce", "Alice 2"],
    ["tag characters", "Alice\u{E0041}\u{E007F}", "Alice 2"],
  ];
  for (const [label, typed, expected] of lookAlikes) {
    hostileCase(
      get,
      `a guest named "Alice" with ${label} while Alice plays`,
      `renamed "${expected}"`,
      async (arena) => {
        const alice = await guest(arena, "Alice");
        const impostor = await guest(arena, typed);
        expect(nameIn(arena, alice)).toBe("Alice");
        expect(nameIn(arena, impostor), `"${typed}" took a name that renders as "Alice"`).toBe(expected);
      },
    );
  }

  hostileCase(
    get,
    'a guest named "Mоd" (Cyrillic о) and one "MOD\\uFE0F" while the moderator Mod plays',
    'renamed "Mоd 2" and "MOD 3": no guest renders as the moderator',
    async (arena) => {
      const mod = await joinModerator(arena, "Mod");
      const cyrillic = await guest(arena, "M\u043Ed");
      const selector = await guest(arena, "MOD\uFE0F");
      expect(nameIn(arena, mod.room)).toBe("Mod");
      expect(nameIn(arena, cyrillic), "a guest took a look-alike of the moderator's name").toBe("M\u043Ed 2");
      expect(nameIn(arena, selector), "a guest took a look-alike of the moderator's name").toBe("MOD 3");
    },
  );

  hostileCase(
    get,
    'a troll named "Аlice" (Cyrillic А) next to Alice; the moderator types /mute Alice, then the troll\'s name as shown',
    "the first reaches the real Alice only, the second the troll only",
    async (arena) => {
      const mod = await joinModerator(arena, "Warden");
      const alice = await guest(arena, "Alice");
      const troll = await guest(arena, `${CYRILLIC_A}lice`);
      const start = Math.max(0, ...mod.inbox.all("chat").map((line) => line.id));

      mod.room.send("chat", { text: "/mute Alice" });
      const first = await notice(mod, "mute", start);
      expect(first.kind === "system" && first.notice.targetSession).toBe(alice.sessionId);
      // The troll is not muted: its next line reaches the room.
      troll.sendMessage("chat", { text: "spam from the troll" });
      const spam = await mod.inbox.waitFor("chat", (line) => line.text === "spam from the troll");

      // The moderator reads the troll's name off its line and types it on a Latin keyboard.
      const typed = spam.name.replace(CYRILLIC_A, "A");
      mod.room.send("chat", { text: `/mute "${typed}"` });
      const second = await notice(mod, "mute", first.id);
      expect(second.kind === "system" && second.notice.targetSession, `/mute "${typed}" missed the troll`).toBe(
        troll.sessionId,
      );
    },
  );
});

describe("stacked combining marks (Zalgo)", () => {
  hostileCase(
    get,
    'a chat line "a" + 50 × U+0301 + " hello"',
    `delivered to others with ${MAX_STACKED_MARKS} marks on the "a"`,
    async (arena) => {
      const mallory = await guest(arena, "Zed");
      mallory.sendMessage("chat", { text: `a${"\u0301".repeat(50)} hello` });
      const [honest] = arena.honest;
      const line = await honest.player.inbox.waitFor("chat", (l) => l.from === mallory.sessionId);
      expect(line.text, "stacked marks reached another player uncapped").toBe(
        `a${"\u0301".repeat(MAX_STACKED_MARKS)} hello`,
      );
    },
  );

  hostileCase(
    get,
    'a guest named "Z" + 40 × U+0336 + "ed"',
    `named with ${MAX_STACKED_MARKS} marks on the "Z"`,
    async (arena) => {
      const mallory = await guest(arena, `Z${"\u0336".repeat(40)}ed`);
      expect(nameIn(arena, mallory)).toBe(`Z${"\u0336".repeat(MAX_STACKED_MARKS)}ed`);
    },
  );
});
