import { CloseCode, type Client } from "@colyseus/core";
import { reconnectionDenied } from "../../colyseus/closeSocket.ts";
import { isFinalCloseCode } from "../../shared/index.ts";

/**
 * When a dropped connection is owed a reconnection seat. (Dropping and
 * releasing seats reaches into Colyseus' private room fields:
 * colyseus/roomInternals.ts.)
 */

/** Whether a dropped connection earns a reconnection seat. */
export function mayReconnect(client: Client, code: number | undefined): boolean {
  // Shutdown: there is no room to come back to. 4002: core's own rate-limit
  // or decode-error close (RoomMessages#onData). 44xx: the server's decision
  // (isFinalCloseCode). A socket denied reconnection: closed on purpose,
  // whatever code the peer echoed (unknown message, frame flood, protocol
  // violation, a moderator's /kick).
  return (
    code !== CloseCode.SERVER_SHUTDOWN &&
    code !== CloseCode.WITH_ERROR &&
    !isFinalCloseCode(code) &&
    !reconnectionDenied(client.ref)
  );
}
