import type { Client } from "@colyseus/core";
import type { z } from "zod";
import { ProtocolErrorCode, ServerMessage, type ProtocolError } from "../../shared/index.ts";

/**
 * Validate a client message at the edge and infer the handler's payload type
 * from its zod schema.
 *
 * Written instead of Colyseus' `validate()` because that one disconnects the
 * client on a bad payload (RoomMessages.onData → client.leave(4002)); here an
 * invalid payload is dropped and answered with a typed "error" message, and
 * the connection and the room carry on.
 *
 * The returned handler's second parameter is typed `z.input<S>`, which is what
 * the typed SDK client reads to type `room.send(type, payload)`.
 */
export function validated<S extends z.ZodType, C extends Client, This>(
  type: string,
  schema: S,
  handler: (this: This, client: C, message: z.output<S>) => void,
  onInvalid?: (client: C, type: string) => void,
): (this: This, client: C, message: z.input<S>) => void {
  return function (this: This, client: C, message: z.input<S>): void {
    const parsed = schema.safeParse(message);
    if (!parsed.success) {
      const error: ProtocolError = {
        code: ProtocolErrorCode.InvalidPayload,
        type,
        message: parsed.error.issues
          .map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`)
          .join("; "),
      };
      client.send(ServerMessage.Error, error);
      onInvalid?.(client, type);
      return;
    }
    handler.call(this, client, parsed.data);
  };
}
