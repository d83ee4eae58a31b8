import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { WebSocket, WebSocketServer } from "ws";

/**
 * A bare `ws` server on a free port and one connected client, for tests of
 * what Tickwire does to a raw socket. Call at the top of a test file: the
 * server of each test is closed after it.
 */
export function useWsPairs(): () => Promise<{ serverSide: WebSocket; clientSide: WebSocket }> {
  let server: WebSocketServer | undefined;
  afterEach(() => server?.close());
  return async () => {
    server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const clientSide = new WebSocket(`ws://127.0.0.1:${port}`);
    const [serverSide] = (await once(server, "connection")) as [WebSocket];
    await once(clientSide, "open");
    return { serverSide, clientSide };
  };
}
