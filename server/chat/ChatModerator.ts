import {
  CHAT_MAX_LENGTH,
  ChatCommand,
  ChatKind,
  ChatRejectReason,
  SYSTEM_SENDER,
  SystemAction,
  cleanText,
  codePointLength,
  commandInfo,
  hasRole,
  outranks,
  parseChatCommand,
  type ChatRejected,
  type ParsedChat,
  type Role,
  type SystemNotice,
  type UnnumberedChatLine,
} from "../../shared/index.ts";
import type { ChatSettings } from "./ChatSettings.ts";
import { FloodControl } from "./FloodControl.ts";
import { MuteList } from "./MuteList.ts";
import { describeNotice } from "./notices.ts";
import { RepeatGuard } from "./RepeatGuard.ts";
import { foldName, resolveTarget, type Candidate, type Target } from "./targets.ts";
import { WordMask } from "./WordMask.ts";

/** A player in the room as chat sees them (identity from the token, session from Colyseus). */
export interface ChatMember {
  sessionId: string;
  playerId: string;
  name: string;
  role: Role;
}

/** What the room must do about one chat message. The moderator decides; the room only carries it out. */
export type ChatEffect =
  /** Tell the sender (only) why their message went nowhere. */
  | { type: "reject"; rejection: ChatRejected }
  /**
   * Number `line`, keep it in the log and deliver it. `audience` lists the
   * player ids allowed to see it (every session of theirs); null = the room.
   */
  | { type: "post"; line: UnnumberedChatLine; audience: readonly string[] | null }
  /** Close these sessions with TickwireCloseCode.Kicked (after the posts before it). */
  | { type: "kick"; sessionIds: readonly string[] }
  /** For the operator log: who did what to whom (player ids, never text). */
  | { type: "audit"; action: SystemAction; actorId: string | null; targetId: string; durationMs?: number };

/** Idle state is swept at most this often (each sweep is O(players seen recently)). */
const SWEEP_INTERVAL_MS = 30_000;
const SYSTEM_NAME = "System";

/**
 * The chat rules of one room, as a pure function of (sender, text, who is
 * here, time): flood control, mutes, repeat detection, word masking and the
 * commands. Everything that must follow an identity is keyed by player id and
 * kept for the room's lifetime; entries are dropped once they could no longer
 * change a decision, so memory stays bounded by recent activity.
 */
export class ChatModerator {
  private readonly flood: FloodControl;
  private readonly mutes = new MuteList();
  private readonly repeats: RepeatGuard;
  private readonly words: WordMask;
  private lastSweep: number;

  constructor(
    private readonly settings: ChatSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.flood = new FloodControl({
      burst: settings.rateBurst,
      refillPerSecond: settings.rateRefillPerSecond,
      rejectionsBeforeMute: settings.floodRejections,
      windowMs: settings.floodWindowMs,
    });
    this.repeats = new RepeatGuard({ limit: settings.repeatLimit, windowMs: settings.repeatWindowMs });
    this.words = new WordMask(settings.wordList);
    this.lastSweep = now();
  }

  /** Decide what one chat message from `sender` does, given everyone in the room (`roster`, sender included). */
  handle(sender: ChatMember, raw: string, roster: readonly ChatMember[]): ChatEffect[] {
    const now = this.now();
    this.sweepIfDue(now);

    const text = cleanText(raw);
    if (text === "") return reject({ reason: ChatRejectReason.Empty });
    const parsed = parseChatCommand(text);

    // A mute silences speech (lines and whispers), not a moderator's commands.
    if (parsed.type === "say" || parsed.type === ChatCommand.Whisper) {
      const remainingMs = this.mutes.remainingMs(sender.playerId, now);
      if (remainingMs > 0) return reject({ reason: ChatRejectReason.Muted, remainingMs });
    }

    // Every other message costs a token, commands included: `/w` spam is spam.
    const admission = this.flood.admit(sender.playerId, now);
    if (!admission.ok) {
      const effects = reject({ reason: ChatRejectReason.RateLimited, retryAfterMs: admission.retryAfterMs });
      if (admission.autoMute) effects.push(...this.autoMute(sender, now));
      return effects;
    }

    return this.execute(sender, parsed, roster, now);
  }

  /** ms left on a player's mute (0 = not muted). */
  mutedFor(playerId: string): number {
    return this.mutes.remainingMs(playerId, this.now());
  }

  /** Drop state that can no longer affect a decision. Runs by itself from `handle`; public for tests. */
  sweep(now = this.now()): void {
    this.flood.sweep(now);
    this.mutes.sweep(now);
    this.repeats.sweep(now);
    this.lastSweep = now;
  }

  /** How many identities each rule currently remembers. */
  get tracked(): { flood: number; mutes: number; repeats: number } {
    return { flood: this.flood.size, mutes: this.mutes.size, repeats: this.repeats.size };
  }

  private execute(sender: ChatMember, parsed: ParsedChat, roster: readonly ChatMember[], now: number): ChatEffect[] {
    switch (parsed.type) {
      case "say":
        return this.say(sender, parsed.text, now);
      case ChatCommand.Whisper:
        return this.whisper(sender, parsed.target, parsed.text, roster, now);
      case ChatCommand.Mute:
        return this.mute(sender, parsed.target, parsed.minutes, roster, now);
      case ChatCommand.Unmute:
        return this.unmute(sender, parsed.target, roster, now);
      case ChatCommand.Kick:
        return this.kick(sender, parsed.target, parsed.reason, roster, now);
      case "invalid":
        // A player typing "/kick" learns it is not theirs, not how to use it.
        return (
          this.forbidden(sender, parsed.command) ??
          reject({ reason: ChatRejectReason.InvalidCommand, command: parsed.command, usage: parsed.usage })
        );
      case "unknown":
        return reject({ reason: ChatRejectReason.UnknownCommand, command: parsed.command });
    }
  }

  private say(sender: ChatMember, text: string, now: number): ChatEffect[] {
    if (codePointLength(text) > CHAT_MAX_LENGTH) return reject({ reason: ChatRejectReason.TooLong });
    if (!this.repeats.allow(sender.playerId, `say\n${foldName(text)}`, now)) {
      return reject({ reason: ChatRejectReason.Repeated });
    }
    const line: UnnumberedChatLine = {
      kind: ChatKind.Say,
      from: sender.sessionId,
      name: sender.name,
      text: this.words.mask(text),
      at: now,
    };
    return [{ type: "post", line, audience: null }];
  }

  private whisper(
    sender: ChatMember,
    name: string,
    text: string,
    roster: readonly ChatMember[],
    now: number,
  ): ChatEffect[] {
    const picked = this.pick(sender, name, roster, false);
    if (!picked.ok) return picked.effects;
    const { target } = picked;
    const to = target.sessionIds[0];
    if (to === undefined) return reject({ reason: ChatRejectReason.NoSuchPlayer, name });
    if (codePointLength(text) > CHAT_MAX_LENGTH) return reject({ reason: ChatRejectReason.TooLong });
    if (!this.repeats.allow(sender.playerId, `w\n${target.playerId}\n${foldName(text)}`, now)) {
      return reject({ reason: ChatRejectReason.Repeated });
    }
    const line: UnnumberedChatLine = {
      kind: ChatKind.Whisper,
      from: sender.sessionId,
      name: sender.name,
      to,
      toName: target.name,
      text: this.words.mask(text),
      at: now,
    };
    return [{ type: "post", line, audience: [sender.playerId, target.playerId] }];
  }

  private mute(
    sender: ChatMember,
    name: string,
    minutes: number | undefined,
    roster: readonly ChatMember[],
    now: number,
  ): ChatEffect[] {
    const denied = this.forbidden(sender, ChatCommand.Mute);
    if (denied !== undefined) return denied;
    const picked = this.pick(sender, name, roster, true);
    if (!picked.ok) return picked.effects;
    const { target } = picked;
    // Over the maximum is clamped rather than refused: the system line shows what was applied.
    const asked = minutes === undefined ? this.settings.muteDefaultMs : Math.round(minutes * 60_000);
    const durationMs = Math.min(asked, this.settings.muteMaxMs);
    this.mutes.set(target.playerId, { until: now + durationMs, name: target.name, role: target.role });
    return [
      this.system({ action: SystemAction.Mute, ...about(target), by: sender.name, durationMs }, now),
      { type: "audit", action: SystemAction.Mute, actorId: sender.playerId, targetId: target.playerId, durationMs },
    ];
  }

  private unmute(sender: ChatMember, name: string, roster: readonly ChatMember[], now: number): ChatEffect[] {
    const denied = this.forbidden(sender, ChatCommand.Unmute);
    if (denied !== undefined) return denied;
    // A muted player who left can still be unmuted by the name they had.
    const present = new Set(roster.map((member) => member.playerId));
    const absent: Candidate[] = [];
    for (const [playerId, mute] of this.mutes.active(now)) {
      if (!present.has(playerId)) absent.push({ playerId, name: mute.name, role: mute.role });
    }
    const picked = this.pick(sender, name, [...roster, ...absent], true);
    if (!picked.ok) return picked.effects;
    const { target } = picked;
    if (!this.mutes.lift(target.playerId, now)) return reject({ reason: ChatRejectReason.NotMuted, name: target.name });
    return [
      this.system({ action: SystemAction.Unmute, ...about(target), by: sender.name }, now),
      { type: "audit", action: SystemAction.Unmute, actorId: sender.playerId, targetId: target.playerId },
    ];
  }

  private kick(
    sender: ChatMember,
    name: string,
    reason: string | undefined,
    roster: readonly ChatMember[],
    now: number,
  ): ChatEffect[] {
    const denied = this.forbidden(sender, ChatCommand.Kick);
    if (denied !== undefined) return denied;
    const picked = this.pick(sender, name, roster, true);
    if (!picked.ok) return picked.effects;
    const { target } = picked;
    if (reason !== undefined && codePointLength(reason) > CHAT_MAX_LENGTH) {
      return reject({ reason: ChatRejectReason.TooLong });
    }
    const notice: SystemNotice = {
      action: SystemAction.Kick,
      ...about(target),
      by: sender.name,
      ...(reason === undefined ? {} : { reason: this.words.mask(reason) }),
    };
    return [
      // Posted first, so the kicked player's last message explains the close.
      this.system(notice, now),
      { type: "kick", sessionIds: target.sessionIds },
      { type: "audit", action: SystemAction.Kick, actorId: sender.playerId, targetId: target.playerId },
    ];
  }

  private autoMute(sender: ChatMember, now: number): ChatEffect[] {
    const durationMs = this.settings.autoMuteMs;
    this.mutes.extend(sender.playerId, { until: now + durationMs, name: sender.name, role: sender.role });
    return [
      this.system(
        { action: SystemAction.AutoMute, target: sender.name, targetSession: sender.sessionId, durationMs },
        now,
      ),
      { type: "audit", action: SystemAction.AutoMute, actorId: null, targetId: sender.playerId, durationMs },
    ];
  }

  /** The rejection for a command the sender's role does not allow, if it does not. */
  private forbidden(sender: ChatMember, command: ChatCommand): ChatEffect[] | undefined {
    if (hasRole(sender.role, commandInfo(command).role)) return undefined;
    return reject({ reason: ChatRejectReason.Forbidden, command });
  }

  /** Resolve a named target; moderation also needs the sender to outrank it. */
  private pick(
    sender: ChatMember,
    name: string,
    candidates: readonly Candidate[],
    moderating: boolean,
  ): { ok: true; target: Target } | { ok: false; effects: ChatEffect[] } {
    const resolved = resolveTarget(name, candidates);
    if (!resolved.ok) return { ok: false, effects: reject(resolved.rejection) };
    const { target } = resolved;
    if (target.playerId === sender.playerId) {
      return { ok: false, effects: reject({ reason: ChatRejectReason.SelfTarget, name: target.name }) };
    }
    if (moderating && !outranks(sender.role, target.role)) {
      return { ok: false, effects: reject({ reason: ChatRejectReason.Outranked, name: target.name }) };
    }
    return { ok: true, target };
  }

  private system(notice: SystemNotice, now: number): ChatEffect {
    return {
      type: "post",
      line: {
        kind: ChatKind.System,
        from: SYSTEM_SENDER,
        name: SYSTEM_NAME,
        text: describeNotice(notice),
        at: now,
        notice,
      },
      audience: null,
    };
  }

  private sweepIfDue(now: number): void {
    if (now - this.lastSweep >= SWEEP_INTERVAL_MS) this.sweep(now);
  }
}

function reject(rejection: ChatRejected): ChatEffect[] {
  return [{ type: "reject", rejection }];
}

/** A notice's target fields: the session only while they are here. */
function about(target: Target): { target: string; targetSession?: string } {
  const session = target.sessionIds[0];
  return session === undefined ? { target: target.name } : { target: target.name, targetSession: session };
}
