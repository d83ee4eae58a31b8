import type { AddressInfo } from "node:net";
import { Room, defineRoom, defineServer, type Client, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { schema, t, type SchemaType } from "@colyseus/schema";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type http from "node:http";
import { MoveInput } from "../../shared/index.ts";

/**
 * A bare Colyseus server (no Tickwire app around it) for pinning what the
 * wall relies on against the real upstream code: one room type with state,
 * inputs, an echo message, and hooks a test can set.
 */
const Counter = schema({ ticks: t.number() }, "WallCounter");
type Counter = SchemaType<typeof Counter>;

export interface PinHooks {
  onJoin?(room: PinRoom, client: Client): void;
  onDrop?(room: PinRoom, client: Client, code: number | undefined): void;
  onLeave?(room: PinRoom, client: Client, code: number | undefined): void;
}

export const hooks: PinHooks = {};

export class PinRoom extends Room<{ state: Counter; input: MoveInput }> {
  override state = new Counter();
  override inputs = this.defineInput(MoveInput, { bufferMaxSize: 8 });
  override messages = {
    echo: (client: Client, payload: unknown) => {
      this.state.ticks++;
      client.send("echo", payload);
    },
  };

  override onJoin(client: Client): void {
    hooks.onJoin?.(this, client);
  }

  override onDrop(client: Client, code?: number): void {
    hooks.onDrop?.(this, client, code);
  }

  override onLeave(client: Client, code?: number): void {
    hooks.onLeave?.(this, client, code);
  }
}

export interface MiniServer {
  port: number;
  wsUrl: string;
  httpUrl: string;
  close(): Promise<void>;
}

/** Listen on a free port; `httpServer` lets a test put its own http.Server under the transport. */
export async function startMiniServer(
  httpServer?: http.Server,
  cluster: { presence?: Presence; driver?: MatchMakerDriver } = {},
): Promise<MiniServer> {
  const server = defineServer({
    ...cluster,
    rooms: { pin: defineRoom(PinRoom) },
    transport: new WebSocketTransport(httpServer === undefined ? {} : { server: httpServer }),
    greet: false,
    gracefullyShutdown: false,
  });
  await server.listen(0, "127.0.0.1");
  const { port } = server.transport.server?.address() as AddressInfo;
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    close: () => server.gracefullyShutdown(false),
  };
}
