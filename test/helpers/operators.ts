import { Client } from "@colyseus/sdk";
import type { TickwireServer } from "../../server/app.ts";
import { TokenService } from "../../server/auth/TokenService.ts";
import type { Role } from "../../shared/index.ts";
import { joinWith, type ArenaPlayer } from "./clients.ts";
import type { TestServer } from "./server.ts";

/**
 * Join as an operator: a token for `role` signed with the server's secret,
 * exactly what `npm run token -- --role moderator --name …` prints. The test
 * server must have been started with `auth: { secret }`.
 */
export async function joinAsRole(
  ts: TestServer,
  roomId: string,
  secret: string,
  { name, role, playerId = TokenService.newPlayerId() }: { name: string; role: Role; playerId?: string },
): Promise<ArenaPlayer> {
  const tokens = new TokenService({ secret: new TextEncoder().encode(secret), ttlSeconds: 3600 });
  const { token, expiresAt } = await tokens.issue({ playerId, name, role });
  const identity: ArenaPlayer["identity"] = { token, playerId, name, role, expiresAt };
  const client = new Client<TickwireServer>(`ws://127.0.0.1:${ts.port}`);
  client.auth.token = token;
  return { ...(await joinWith(client, roomId)), client, identity };
}
