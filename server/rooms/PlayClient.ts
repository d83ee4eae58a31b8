import type { Client } from "@colyseus/core";
import type { ServerMessages } from "../../shared/index.ts";
import type { SeatAuth } from "./seats.ts";

/**
 * A connected player as rooms and their systems see it. `client.auth` is the
 * identity the verified token carries (the room's static `onAuth`), with the
 * address that matchmade the seat (server/rooms/seats.ts SeatAuth);
 * `client.send` is typed by the server→client protocol.
 */
export type PlayClient = Client<{ messages: ServerMessages; auth: SeatAuth }>;
