/**
 * Type tests: the typed SDK client only compiles messages the server declares,
 * with the payloads their schemas accept. Checked by `vitest --typecheck`
 * (part of `npm test`) and by `tsc` in `npm run check`.
 */
import type { Client } from "@colyseus/sdk";
import { describe, expectTypeOf, it } from "vitest";
import type { TickwireServer } from "../../server/app.ts";
import type { ChatLine, ChatRejected, ProtocolError } from "../../shared/index.ts";

declare const client: Client<TickwireServer>;

describe("typed client", () => {
  it("accepts declared messages and infers server payloads", async () => {
    const room = await client.joinOrCreate("arena", { name: "Alice" });
    room.send("chat", { text: "hello" });
    room.onMessage("chat", (line) => expectTypeOf(line).toEqualTypeOf<ChatLine>());
    room.onMessage("chat:history", (lines) => expectTypeOf(lines).toEqualTypeOf<ChatLine[]>());
    room.onMessage("chat:rejected", (r) => expectTypeOf(r).toEqualTypeOf<ChatRejected>());
    room.onMessage("error", (e) => expectTypeOf(e).toEqualTypeOf<ProtocolError>());
    expectTypeOf(room.state.players.get("x")?.x).toEqualTypeOf<number | undefined>();
  });

  it("rejects unknown message types", async () => {
    const room = await client.joinOrCreate("arena", {});
    // @ts-expect-error "teleport" is not a message the room handles
    room.send("teleport", { x: 0, y: 0 });
  });

  it("rejects wrongly shaped payloads", async () => {
    const room = await client.joinOrCreate("arena", {});
    // @ts-expect-error text must be a string
    room.send("chat", { text: 42 });
    // @ts-expect-error text is required
    room.send("chat", {});
  });
});
