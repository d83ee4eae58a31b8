/** Player roles, lowest to highest privilege. */
export const Role = {
  Player: "player",
  Moderator: "moderator",
  Admin: "admin",
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = Object.values(Role);

/** Who a verified token says a player is. Server-owned; never taken from join options. */
export interface PlayerIdentity {
  /** Stable across reconnects and renewals (with the renewal token). */
  playerId: string;
  /** Sanitised display name. */
  name: string;
  role: Role;
}

/** Body of `POST /auth/guest`. */
export interface GuestTokenRequest {
  name?: string;
}

/** Answer of `POST /auth/guest`. */
export interface GuestTokenResponse {
  /** Access token: join rooms with it (it travels in the WebSocket URL). Renews nothing. */
  token: string;
  /**
   * Renewal token: send it, and only it, as `Authorization: Bearer` to the
   * next `POST /auth/guest` to keep `playerId`. Each answer carries a fresh one.
   * Rooms refuse it.
   */
  renewToken: string;
  playerId: string;
  name: string;
  role: Role;
  /** Expiry of `token`, ms since the epoch. */
  expiresAt: number;
}

/**
 * Why a join was refused before any seat was reserved. Sent as the message of
 * a matchmaking error whose code is Colyseus' AUTH_FAILED (525).
 */
export const AuthFailure = {
  Missing: "token_missing",
  Expired: "token_expired",
  /** Bad signature, wrong issuer/audience, malformed. */
  Invalid: "token_invalid",
  /** Any algorithm but HS256, including "none". */
  Algorithm: "token_algorithm",
} as const;
export type AuthFailure = (typeof AuthFailure)[keyof typeof AuthFailure];

/** Privilege order: a role may moderate only roles strictly below it. */
const ROLE_RANK: Record<Role, number> = { player: 0, moderator: 1, admin: 2 };

/** Whether `role` is `minimum` or higher. */
export function hasRole(role: Role, minimum: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}

/** Whether `actor` outranks `target` (strictly). */
export function outranks(actor: Role, target: Role): boolean {
  return ROLE_RANK[actor] > ROLE_RANK[target];
}
