import type { Counter, Histogram } from "prom-client";
import { ClientMessage } from "../../shared/index.ts";
import type { PlayClient } from "../rooms/PlayClient.ts";
import type { Metrics } from "./Metrics.ts";
import { clientMeter, meterClient, type ClientMeter } from "./meterClient.ts";

/**
 * One room's share of the process metrics (/metrics): the room and client
 * gauges, tick and patch timings, the messages its handlers received and the
 * ones it refused. The labelled children are looked up once per room.
 */
export class RoomMeters {
  private readonly client: ClientMeter;
  private readonly tick: Histogram.Internal<"room">;
  private readonly patch: Histogram.Internal<"room">;
  private readonly chat: Counter.Internal;
  private readonly chatSince: Counter.Internal;
  private readonly unknown: Counter.Internal;

  /** Counts the room in `tickwire_rooms` (until `roomDisposed`). */
  constructor(
    private readonly metrics: Metrics,
    private readonly room: string,
  ) {
    metrics.rooms.inc({ room });
    this.client = clientMeter(metrics, room);
    this.tick = metrics.tickDuration.labels({ room });
    this.patch = metrics.patchDuration.labels({ room });
    this.chat = metrics.messagesReceived.labels({ type: ClientMessage.Chat });
    this.chatSince = metrics.messagesReceived.labels({ type: ClientMessage.ChatSince });
    this.unknown = metrics.messagesReceived.labels({ type: "unknown" });
  }

  /** A room's meters, or none when the server runs without metrics. */
  static open(metrics: Metrics | undefined, room: string): RoomMeters | undefined {
    return metrics === undefined ? undefined : new RoomMeters(metrics, room);
  }

  chatReceived(): void {
    this.chat.inc();
  }

  chatSinceReceived(): void {
    this.chatSince.inc();
  }

  unknownReceived(): void {
    this.unknown.inc();
  }

  tickTook(seconds: number): void {
    this.tick.observe(seconds);
  }

  patchTook(seconds: number): void {
    this.patch.observe(seconds);
  }

  /** A connection joined or reconnected: meter its traffic and count it in `tickwire_clients`. */
  clientAttached(client: PlayClient): void {
    meterClient(client, this.client);
    this.metrics.clients.inc({ room: this.room });
  }

  /** A connection dropped or left: out of `tickwire_clients`. */
  clientGone(): void {
    this.metrics.clients.dec({ room: this.room });
  }

  /** Only counts (`tickwire_messages_rejected_total`): telling the sender is the caller's job. */
  countRejected(type: string, reason: string): void {
    this.metrics.messagesRejected.inc({ type, reason });
  }

  roomDisposed(): void {
    this.metrics.rooms.dec({ room: this.room });
  }
}
