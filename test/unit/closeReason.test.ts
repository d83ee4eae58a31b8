import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { closeOnPurpose } from "../../colyseus/closeSocket.ts";
import { useWsPairs } from "../helpers/wsPair.ts";

/**
 * The reason ArenaRoom answers unknown types itself: core's fallback closes
 * with `room onMessage for "<type>" not registered.` and `ws` throws on close
 * reasons over 123 bytes, synchronously, inside the socket's data handler.
 */
const connectedPair = useWsPairs();

describe("close reasons", () => {
  it("reproduces: ws throws RangeError on core's reason for a 100-character type", async () => {
    const { serverSide } = await connectedPair();
    const reason = `room onMessage for "${"x".repeat(100)}" not registered.`;
    expect(Buffer.byteLength(reason)).toBeGreaterThan(123);
    expect(() => serverSide.close(4002, reason)).toThrow(RangeError);
  });

  it("closeOnPurpose() truncates the reason to 123 bytes and closes cleanly", async () => {
    const { serverSide, clientSide } = await connectedPair();
    const closed = once(clientSide, "close") as Promise<[number, Buffer]>;
    closeOnPurpose(serverSide, 4400, "é".repeat(200));
    const [code, reason] = await closed;
    expect(code).toBe(4400);
    expect(reason.toString()).toBe("é".repeat(61));
  });
});
