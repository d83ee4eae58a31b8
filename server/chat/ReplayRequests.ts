import { CHAT_REPLAY_PAGE, ClientMessage, ProtocolErrorCode, ServerMessage } from "../../shared/index.ts";
import { TokenBuckets } from "../net/rateLimits.ts";
import type { PlayClient } from "../rooms/PlayClient.ts";
import type { ChatChannel } from "./ChatChannel.ts";

/**
 * "chat:since" answers can be 100 lines long: throttled per client so that a
 * small request cannot be turned into a large stream of replies. A reconnect
 * needs one request, a long outage a few pages.
 */
const CHAT_REPLAY_BURST = 5;
const CHAT_REPLAY_PER_SECOND = 1;

/** A room's answers to `chat:since`: one page of the lines the asker may see, per request, throttled per client. */
export class ReplayRequests {
  private readonly budget: TokenBuckets;

  constructor(
    private readonly channel: Pick<ChatChannel, "replay">,
    maxClients: number,
    /** A request was refused (for the operators' metrics). */
    private readonly rejected: (reason: string) => void,
  ) {
    this.budget = new TokenBuckets({
      ratePerSecond: CHAT_REPLAY_PER_SECOND,
      burst: CHAT_REPLAY_BURST,
      maxKeys: 4 * maxClients,
    });
  }

  answer(client: PlayClient, afterId: number): void {
    if (!this.budget.take(client.sessionId)) {
      this.rejected("rate_limited");
      client.send(ServerMessage.Error, {
        code: ProtocolErrorCode.RateLimited,
        type: ClientMessage.ChatSince,
        message: "too many chat:since requests; retry in a second",
      });
      return;
    }
    const playerId = client.auth?.playerId;
    if (playerId === undefined) return;
    const replay = this.channel.replay(afterId, playerId, CHAT_REPLAY_PAGE);
    client.send(ServerMessage.ChatSince, { afterId, ...replay });
  }

  /** The session left for good: its budget goes with it. */
  forget(sessionId: string): void {
    this.budget.forget(sessionId);
  }
}
