import type { Client } from "@colyseus/core";
import type { PlayerIdentity, ServerMessages } from "../../shared/index.ts";

/**
 * A connected player as rooms and their systems see it. `client.auth` is the
 * identity the verified token carries (the room's static `onAuth`);
 * `client.send` is typed by the server→client protocol.
 */
export type PlayClient = Client<{ messages: ServerMessages; auth: PlayerIdentity }>;
