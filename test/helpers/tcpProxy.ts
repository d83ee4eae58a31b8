import { createServer, connect, type Server, type Socket } from "node:net";

interface Pair {
  client: Socket;
  upstream: Socket;
}

/**
 * A TCP relay between test clients and the server, that can cut the path
 * the way a network does rather than the way a program closes a socket.
 *
 * `sever()` destroys the client side of every open connection (the client
 * sees its connection drop) and leaves the server side open but silent: no
 * FIN, no RST, nothing read or written, like a phone that went into a tunnel.
 * The server can only find out through its heartbeat. New connections are
 * relayed as before, so the client can reconnect through the same proxy.
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  /** Server-side sockets left dangling by `sever()`, destroyed on `close()`. */
  private readonly orphans: Socket[] = [];
  private readonly server: Server;
  private refusing = false;
  port = 0;

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      if (this.refusing) client.destroy();
      else this.relay(client, connect(targetPort, "127.0.0.1"));
    });
  }

  /** While on, new connections are dropped at once (the network is still down); open ones are untouched. */
  refuse(on: boolean): void {
    this.refusing = on;
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    const address = proxy.server.address();
    if (address === null || typeof address === "string") throw new Error("proxy is not listening");
    proxy.port = address.port;
    return proxy;
  }

  /** Connections currently relayed. */
  get open(): number {
    return this.pairs.size;
  }

  sever(): void {
    for (const pair of this.pairs) {
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.upstream.pause();
      this.orphans.push(pair.upstream);
      pair.client.destroy();
    }
    this.pairs.clear();
  }

  /** Destroy both sides of every open connection: a drop both ends notice at once. */
  drop(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    for (const socket of this.orphans) socket.destroy();
    for (const pair of this.pairs) pair.upstream.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, upstream: Socket): void {
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const orphaned = () => this.orphans.includes(upstream);
    // A normal close on either side is passed on; a severed pair stays half-dead on purpose.
    client.on("close", () => {
      if (!orphaned()) upstream.destroy();
      this.pairs.delete(pair);
    });
    upstream.on("close", () => {
      client.destroy();
      this.pairs.delete(pair);
    });
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  }
}
