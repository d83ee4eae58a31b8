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

  it("lets a client narrow chat lines by kind and rejections by reason", async () => {
    const room = await client.joinOrCreate("arena", {});
    room.onMessage("chat", (line) => {
      if (line.kind === "whisper") expectTypeOf(line.to).toEqualTypeOf<string>();
      if (line.kind === "system") {
        expectTypeOf(line.from).toEqualTypeOf<"system">();
        if (line.notice.action === "mute") expectTypeOf(line.notice.durationMs).toEqualTypeOf<number>();
      }
      // @ts-expect-error only a whisper has a recipient
      void line.to;
    });
    room.onMessage("chat:rejected", (r) => {
      if (r.reason === "rate_limited") expectTypeOf(r.retryAfterMs).toEqualTypeOf<number>();
      if (r.reason === "muted") expectTypeOf(r.remainingMs).toEqualTypeOf<number>();
      if (r.reason === "ambiguous_name") expectTypeOf(r.matches).toEqualTypeOf<number>();
      // @ts-expect-error not every rejection carries a wait
      void r.retryAfterMs;
    });
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
