/**
 * `npm run token -- --role moderator --name Alice [--id p_…] [--ttl 3600]`
 * prints a signed token for an operator, using the server's AUTH_SECRET.
 */
import { parseArgs } from "node:util";
import { ROLES, sanitizeName, type Role } from "../../shared/index.ts";
import { PlayerIdClaim, TokenService } from "../auth/TokenService.ts";
import { ConfigError, parseConfig } from "../config.ts";
import { isEntryPoint } from "./entryPoint.ts";

export interface OperatorToken {
  token: string;
  playerId: string;
  name: string;
  role: Role;
  expiresAt: number;
}

export class UsageError extends Error {
  override name = "UsageError";
}

const USAGE =
  "usage: npm run token -- --name <name> [--role player|moderator|admin] [--id <playerId>] [--ttl <seconds>]";

export async function createOperatorToken(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<OperatorToken> {
  const values = parseOptions(argv);
  const config = parseConfig(env);
  if (config.auth.secret === undefined) {
    throw new UsageError("AUTH_SECRET is not set: a token signed with a throwaway secret would be useless");
  }
  const name = sanitizeName(values.name);
  if (name === "") throw new UsageError(`--name is required\n${USAGE}`);
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}\n${USAGE}`);
  const ttlSeconds = values.ttl === undefined ? config.auth.tokenTtlSeconds : Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new UsageError(`--ttl must be a positive integer\n${USAGE}`);
  // The server refuses a token whose id breaks the claim rule (token_invalid): refuse to print one.
  if (values.id !== undefined && !PlayerIdClaim.safeParse(values.id).success) {
    throw new UsageError(`--id must be 1 to 64 characters\n${USAGE}`);
  }
  const playerId = values.id ?? TokenService.newPlayerId();
  const tokens = new TokenService({ secret: new TextEncoder().encode(config.auth.secret), ttlSeconds });
  const { token, expiresAt } = await tokens.issue({ playerId, name, role });
  return { token, playerId, name, role, expiresAt };
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        name: { type: "string" },
        role: { type: "string", default: "player" },
        id: { type: "string" },
        ttl: { type: "string" },
      },
      strict: true,
      allowNegative: false,
    }).values;
  } catch (error) {
    // parseArgs throws a TypeError for unknown flags and for values that look like flags ("--ttl -5").
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

async function main(): Promise<void> {
  try {
    const result = await createOperatorToken(process.argv.slice(2), process.env);
    // The token alone on stdout, so `$(npm run -s token -- …)` captures it; the rest for humans on stderr.
    process.stderr.write(
      `${result.role} token for "${result.name}" (${result.playerId}), expires ${new Date(result.expiresAt).toISOString()}\n`,
    );
    process.stdout.write(`${result.token}\n`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) await main();
