import {
  CHAT_HISTORY_SIZE,
  ServerMessage,
  type ChatLine,
  type Player,
  type UnnumberedChatLine,
} from "../../shared/index.ts";
import type { Logger } from "../logger.ts";
import type { PlayClient } from "../rooms/PlayClient.ts";
import { CHAT_LOG_CAPACITY, ChatLog, type ChatReplay } from "./ChatLog.ts";
import type { ChatEffect, ChatMember, ChatModerator } from "./ChatModerator.ts";

/** What the chat needs from its room. */
export interface ChatHost {
  /** A function: Colyseus assigns the id after the room object is built. */
  roomId(): string;
  /** Everyone holding a seat, by sessionId (a seat held for reconnection included). */
  players(): Iterable<[string, Player]>;
  /** Connected clients. */
  clients(): Iterable<PlayClient>;
  /**
   * Send a line to these connected clients (encoded once for all of them;
   * the time is not charged to the sender: colyseus/fanOut.ts).
   */
  deliver(line: ChatLine, to: Iterable<PlayClient>): void;
  /** Remove a session for good (a moderator's /kick): close it, and hold no reconnection seat for it. */
  kickPlayer(sessionId: string): void;
  /** A line or command was refused (for the operators' metrics). */
  rejected?(reason: string): void;
  /**
   * Who may see a line the moderator posted to the whole room: null for
   * everyone, or the player ids that can (the world room's local chat: the
   * sender and the players in their view at the time). The answer is logged
   * with the line, so history and replay show it to exactly the same players.
   */
  roomLineAudience?(line: UnnumberedChatLine): readonly string[] | null;
}

/**
 * A room's chat: asks the moderator what a message does, then carries it out
 * on Colyseus clients (log, deliver, reject, kick). No rules live here.
 */
export class ChatChannel {
  private readonly log: ChatLog;

  constructor(
    private readonly host: ChatHost,
    private readonly moderator: ChatModerator,
    private readonly logger: Logger | undefined,
    logCapacity = CHAT_LOG_CAPACITY,
  ) {
    this.log = new ChatLog(logCapacity);
  }

  /** A chat message from `client` (already shape-validated). */
  receive(client: PlayClient, raw: string): void {
    const roster = this.roster();
    const sender = roster.find((member) => member.sessionId === client.sessionId);
    if (sender === undefined) return;
    for (const effect of this.moderator.handle(sender, raw, roster)) this.apply(client, effect);
  }

  /** The chat:history a joining player gets: the last lines they may see (never others' whispers). */
  historyFor(playerId: string): ChatLine[] {
    return this.log.historyFor(playerId, CHAT_HISTORY_SIZE);
  }

  /** One page of the lines after `afterId` that `playerId` may see, for the "chat:since" request (see ChatLog.replay). */
  replay(afterId: number, playerId: string, limit: number): ChatReplay {
    return this.log.replay(afterId, playerId, limit);
  }

  private apply(sender: PlayClient, effect: ChatEffect): void {
    switch (effect.type) {
      case "reject":
        this.host.rejected?.(effect.rejection.reason);
        sender.send(ServerMessage.ChatRejected, effect.rejection);
        return;
      case "post": {
        const audienceIds = effect.audience ?? this.host.roomLineAudience?.(effect.line) ?? null;
        const line = this.log.append(effect.line, audienceIds);
        if (audienceIds === null) {
          this.host.deliver(line, this.host.clients());
          return;
        }
        const audience = new Set(audienceIds);
        const recipients: PlayClient[] = [];
        for (const client of this.host.clients()) {
          const playerId = client.auth?.playerId;
          if (playerId !== undefined && audience.has(playerId)) recipients.push(client);
        }
        this.host.deliver(line, recipients);
        return;
      }
      case "kick":
        for (const sessionId of effect.sessionIds) this.host.kickPlayer(sessionId);
        return;
      case "audit": {
        const { type: _type, ...fields } = effect;
        this.logger?.info({ roomId: this.host.roomId(), ...fields }, "chat moderation");
        return;
      }
    }
  }

  private roster(): ChatMember[] {
    const members: ChatMember[] = [];
    for (const [sessionId, player] of this.host.players()) {
      members.push({ sessionId, playerId: player.id, name: player.name, role: player.role });
    }
    return members;
  }
}
