import type { IRoomCache, MatchMakerDriver, SortOptions } from "@colyseus/core";
import type { LiveSet } from "./liveness.ts";
import { withoutDeadProcesses } from "./livenessPolicy.ts";

type Conditions = Parameters<MatchMakerDriver["query"]>[0];

/**
 * The Redis room cache as matchmaking and `GET /rooms` read it, minus the rooms
 * of processes known dead (not subscribed to their channel: see
 * colyseus/processChannels.ts). Upstream, such a room stays listed until it is
 * swept, and a `joinOrCreate` that picks it waits ~4.5 s (seat-reservation IPC
 * timeout, then a health check) before core retries elsewhere; filtered here,
 * the join goes to a live room or creates one at once. It costs one `PUBSUB
 * CHANNELS p:*` per lookup, sent alongside the driver's own read.
 *
 * A wrapper on the public driver interface (`MatchMakerDriver`) rather than a
 * change to core: every read core makes for matchmaking (`findOne` for
 * joinOrCreate/join/joinById/reconnect, `query`) goes through it. Writes and
 * the sweep (`cleanup`) pass straight through.
 */
export class LiveRoomCache implements MatchMakerDriver {
  readonly cleanup?: (processId: string) => Promise<void>;
  readonly insert?: (room: IRoomCache) => Promise<boolean>;
  readonly boot?: () => Promise<void>;

  constructor(
    private readonly inner: MatchMakerDriver,
    private readonly liveness: { snapshot(): Promise<LiveSet> },
  ) {
    // Core tests these for presence (`if (driver.insert)`), so only what the inner driver has is offered.
    if (inner.cleanup !== undefined) this.cleanup = (processId) => inner.cleanup!(processId);
    if (inner.insert !== undefined) this.insert = (room) => inner.insert!(room);
    if (inner.boot !== undefined) this.boot = () => inner.boot!();
  }

  async query(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache[]> {
    const live = this.liveness.snapshot();
    const rooms = await this.inner.query(conditions, sortOptions);
    const snapshot = await live;
    return withoutDeadProcesses(rooms, (id) => snapshot.isDead(id));
  }

  async findOne(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache> {
    if (conditions.roomId === undefined) {
      // The first live room in the driver's order (the RedisDriver's findOne is this same query, first item).
      return (await this.query(conditions, sortOptions))[0] as IRoomCache;
    }
    const live = this.liveness.snapshot();
    const room = await this.inner.findOne(conditions, sortOptions);
    const snapshot = await live;
    // Core's own contract: `findOne` resolves undefined when nothing matches.
    return (room !== undefined && room !== null && snapshot.isDead(room.processId) ? undefined : room) as IRoomCache;
  }

  has(roomId: string): Promise<boolean> | boolean {
    return this.inner.has(roomId);
  }

  findByIds(roomIds: string[]): Promise<Map<string, IRoomCache>> {
    // Used for this process' own rooms (restoring swept listings) and uniqueness checks: unfiltered.
    return this.inner.findByIds(roomIds);
  }

  remove(roomId: string): Promise<boolean> | boolean {
    return this.inner.remove(roomId);
  }

  update(room: IRoomCache, operations: Parameters<MatchMakerDriver["update"]>[1]): Promise<boolean> | boolean {
    return this.inner.update(room, operations);
  }

  persist(room: IRoomCache, create?: boolean): Promise<boolean> | boolean {
    return this.inner.persist(room, create);
  }

  clear(): void | Promise<void> {
    return this.inner.clear();
  }

  shutdown(): void | Promise<void> {
    return this.inner.shutdown();
  }
}
