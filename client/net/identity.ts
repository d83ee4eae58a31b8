import { ROLES, sanitizeName, type Role } from "../../shared/index.ts";
import type { ServerApi } from "./api.ts";

/** What the client knows about its token. Read from the token itself; the server is what verifies it. */
export interface TokenInfo {
  token: string;
  playerId: string;
  name: string;
  role: Role;
  /** ms since the epoch */
  expiresAt: number;
}

/** A JWT's payload, read (not verified); undefined if it is not a JWT. */
function readClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const claims: unknown = JSON.parse(json);
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Read (not verify) a JWT's claims, to know its name, role and expiry. Undefined if it is not one of ours. */
export function readToken(token: string): TokenInfo | undefined {
  const claims = readClaims(token);
  if (claims === undefined) return undefined;
  const { sub, name, role, exp } = claims;
  if (typeof sub !== "string" || typeof name !== "string" || typeof exp !== "number") return undefined;
  if (!ROLES.includes(role as Role)) return undefined;
  return { token, playerId: sub, name, role: role as Role, expiresAt: exp * 1000 };
}

/** A token's expiry in ms since the epoch, read (not verified); undefined if it has none. */
function readExpiry(token: string): number | undefined {
  const exp = readClaims(token)?.exp;
  return typeof exp === "number" ? exp * 1000 : undefined;
}

const KEYS = {
  name: "tickwire.name",
  guest: "tickwire.guestToken",
  /** The guest's renewal token: sent only to POST /auth/guest, to keep the player id. */
  renew: "tickwire.renewToken",
  operator: "tickwire.operatorToken",
} as const;
/** Renew a little before expiry so a join never races the clock. */
const RENEW_MARGIN_MS = 60_000;

/** localStorage that may be missing or throwing (private modes, blocked storage). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * The player's remembered name and tokens. Playing needs nothing but a name:
 * a guest token is fetched, stored and renewed here. Renewal sends the
 * renewal token the server gave with it (never the access token, which the
 * server would not honour: it travels in WebSocket URLs), so the server keeps
 * the same player id, and stores the fresh pair it answers with. An operator
 * token pasted by a moderator takes precedence while it is valid.
 */
export class IdentityStore {
  constructor(
    private readonly api: ServerApi,
    private readonly storage: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  get name(): string {
    return this.read(KEYS.name) ?? "";
  }

  set name(value: string) {
    this.write(KEYS.name, value);
  }

  /**
   * Whether this browser has played before: a name typed, an operator token or
   * a guest identity kept. A share link asks a new player for a name first.
   */
  get known(): boolean {
    return this.name !== "" || this.read(KEYS.operator) !== undefined || this.read(KEYS.guest) !== undefined;
  }

  get operatorToken(): TokenInfo | undefined {
    const token = this.read(KEYS.operator);
    return token === undefined ? undefined : readToken(token);
  }

  /** Store an operator token; returns false (and stores nothing) if it cannot be read. */
  setOperatorToken(token: string | undefined): boolean {
    if (token === undefined || token.trim() === "") {
      this.remove(KEYS.operator);
      return true;
    }
    if (readToken(token.trim()) === undefined) return false;
    this.write(KEYS.operator, token.trim());
    return true;
  }

  /** A token to join with: the operator's if still valid, else a guest token for `name`. */
  async token(name: string): Promise<TokenInfo> {
    const operator = this.operatorToken;
    if (operator !== undefined && operator.expiresAt - RENEW_MARGIN_MS > this.now()) return operator;
    if (operator !== undefined) this.remove(KEYS.operator);

    const stored = this.guest();
    if (stored !== undefined && this.answersTo(stored, name) && stored.expiresAt - RENEW_MARGIN_MS > this.now()) {
      return stored;
    }
    const fresh = await this.api.guestToken(name, this.renewToken());
    this.write(KEYS.guest, fresh.token);
    this.write(KEYS.renew, fresh.renewToken);
    const { token, playerId, role, expiresAt } = fresh;
    return readToken(token) ?? { token, playerId, name: fresh.name, role, expiresAt };
  }

  /**
   * Whether a stored token already carries the name the player typed. The
   * server sanitises names, so compare with its rule; a player who typed no
   * usable name keeps the name the server generated for them.
   */
  private answersTo(stored: TokenInfo, typed: string): boolean {
    const wanted = sanitizeName(typed);
    return wanted === "" || stored.name === wanted;
  }

  /**
   * The server refused our token (a join failed with a token_* reason):
   * forget it, and for a guest token its renewal token too (they come from
   * the same secret and identity), so the next `token()` starts afresh.
   */
  forget(token: string): void {
    if (this.read(KEYS.operator) === token) this.remove(KEYS.operator);
    if (this.read(KEYS.guest) === token) {
      this.remove(KEYS.guest);
      this.remove(KEYS.renew);
    }
  }

  /** The stored renewal token, unless it has expired (then it is dropped: the server would refuse it). */
  private renewToken(): string | undefined {
    const token = this.read(KEYS.renew);
    if (token === undefined) return undefined;
    if ((readExpiry(token) ?? 0) > this.now()) return token;
    this.remove(KEYS.renew);
    return undefined;
  }

  private guest(): TokenInfo | undefined {
    const token = this.read(KEYS.guest);
    return token === undefined ? undefined : readToken(token);
  }

  private read(key: string): string | undefined {
    try {
      return this.storage.getItem(key) ?? undefined;
    } catch {
      return undefined;
    }
  }

  private write(key: string, value: string): void {
    try {
      this.storage.setItem(key, value);
    } catch {
      // Storage unavailable: the session still works, it just is not remembered.
    }
  }

  private remove(key: string): void {
    try {
      this.storage.removeItem(key);
    } catch {
      // as above
    }
  }
}
