import { randomBytes } from "node:crypto";
import { SignJWT, errors, jwtVerify, type JWTPayload } from "jose";
import { z } from "zod";
import { AuthFailure, ROLES, type PlayerIdentity, type Role } from "../../shared/index.ts";

const ISSUER = "tickwire";
/** Access tokens: what rooms accept. */
const PLAY_AUDIENCE = "tickwire:play";
/**
 * Renewal tokens: what `POST /auth/guest` accepts to keep a player id, and
 * nothing else. A different audience, so neither kind passes for the other.
 */
const RENEW_AUDIENCE = "tickwire:renew";
const ALGORITHM = "HS256";
/** Default lifetime of a renewal token (AUTH_RENEW_TTL_S has the same default). */
export const DEFAULT_RENEW_TTL_S = 30 * 24 * 3600;
/** Tokens longer than this are refused before any signature check, to bound an attacker's work. */
const MAX_TOKEN_LENGTH = 4096;

/** The player id rule: a token whose `sub` breaks it is refused (token_invalid), so nothing may mint one. */
export const PlayerIdClaim = z.string().min(1).max(64);

const Claims = z.object({
  sub: PlayerIdClaim,
  name: z.string().min(1).max(64),
  role: z.enum(ROLES as [Role, ...Role[]]),
});
const RenewClaims = z.object({ sub: PlayerIdClaim, jti: z.string().min(1).max(64) });

/** A refused token, with the reason a client can act on. */
export class AuthError extends Error {
  override name = "AuthError";
  constructor(readonly reason: AuthFailure) {
    super(reason);
  }
}

/** Authentication, as configured (AUTH_*): app.ts builds the TokenService from it (`resolveSecret`, then `TokenServiceOptions`). */
export interface AuthSettings {
  /** HS256 secret; unset = generated at start (tokens die with the process). */
  secret: string | undefined;
  /** Lifetime of access tokens (what rooms accept). */
  tokenTtlSeconds: number;
  /** Lifetime of renewal tokens (what keeps a guest's player id across access tokens). */
  renewTtlSeconds: number;
}

export interface TokenServiceOptions {
  secret: Uint8Array;
  /** Lifetime of access tokens (AUTH_TOKEN_TTL_S). */
  ttlSeconds: number;
  /** Lifetime of renewal tokens (AUTH_RENEW_TTL_S); default DEFAULT_RENEW_TTL_S. */
  renewTtlSeconds?: number;
  /** Injectable clock (ms since the epoch) for tests. */
  now?: () => number;
}

/**
 * Signs and verifies HS256 JWTs (via jose) of two kinds:
 *
 * - access tokens (`aud: tickwire:play`): the stable player id (`sub`), the
 *   sanitised name and the role; what rooms verify at join. They travel in
 *   the WebSocket URL (the SDK's `_authToken` query parameter), where a proxy
 *   may log them, so an access token renews nothing: stolen from a log, it is
 *   good until it expires and no longer.
 * - renewal tokens (`aud: tickwire:renew`): only the player id and a random
 *   `jti`, longer-lived; sent only as `Authorization: Bearer` to
 *   `POST /auth/guest`, which answers with a fresh pair (rotation). Rooms
 *   refuse them (wrong audience).
 */
export class TokenService {
  private readonly now: () => number;

  constructor(private readonly options: TokenServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A fresh, unguessable player id. */
  static newPlayerId(): string {
    return `p_${randomBytes(12).toString("base64url")}`;
  }

  /** An access token for `identity`; `expiresAt` in ms since the epoch. */
  async issue(identity: PlayerIdentity): Promise<{ token: string; expiresAt: number }> {
    const { token, expiresAt } = await this.sign(
      new SignJWT({ name: identity.name, role: identity.role }),
      identity.playerId,
      PLAY_AUDIENCE,
      this.options.ttlSeconds,
    );
    return { token, expiresAt };
  }

  /**
   * A renewal token for `playerId`. The random `jti` makes each one distinct,
   * even two issued in the same second, so a rotated token is never the old one.
   */
  async issueRenewal(playerId: string): Promise<{ renewToken: string; expiresAt: number }> {
    const { token, expiresAt } = await this.sign(
      new SignJWT({}).setJti(randomBytes(12).toString("base64url")),
      playerId,
      RENEW_AUDIENCE,
      this.options.renewTtlSeconds ?? DEFAULT_RENEW_TTL_S,
    );
    return { renewToken: token, expiresAt };
  }

  /** The identity in a valid access token; throws AuthError otherwise. */
  async verify(token: unknown): Promise<PlayerIdentity> {
    const claims = Claims.safeParse(await this.check(token, PLAY_AUDIENCE));
    if (!claims.success) throw new AuthError(AuthFailure.Invalid);
    return { playerId: claims.data.sub, name: claims.data.name, role: claims.data.role };
  }

  /** The player id in a valid, unexpired renewal token; throws AuthError otherwise (an access token included). */
  async verifyRenewal(token: unknown): Promise<string> {
    const claims = RenewClaims.safeParse(await this.check(token, RENEW_AUDIENCE));
    if (!claims.success) throw new AuthError(AuthFailure.Invalid);
    return claims.data.sub;
  }

  private async sign(
    jwt: SignJWT,
    subject: string,
    audience: string,
    ttlSeconds: number,
  ): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = Math.floor(this.now() / 1000);
    const expiresAt = issuedAt + ttlSeconds;
    const token = await jwt
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.options.secret);
    return { token, expiresAt: expiresAt * 1000 };
  }

  /** Signature (HS256 only), issuer, audience and expiry; the payload's shape is the caller's to check. */
  private async check(token: unknown, audience: string): Promise<JWTPayload> {
    if (typeof token !== "string" || token.length === 0) throw new AuthError(AuthFailure.Missing);
    if (token.length > MAX_TOKEN_LENGTH) throw new AuthError(AuthFailure.Invalid);
    try {
      const { payload } = await jwtVerify(token, this.options.secret, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience,
        requiredClaims: ["sub", "exp", "iat"],
        currentDate: new Date(this.now()),
      });
      return payload;
    } catch (error) {
      throw new AuthError(classify(error));
    }
  }
}

function classify(error: unknown): AuthFailure {
  if (error instanceof errors.JWTExpired) return AuthFailure.Expired;
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return AuthFailure.Algorithm;
  return AuthFailure.Invalid;
}

/** The configured secret, or a random one (tokens then die with the process). */
export function resolveSecret(configured: string | undefined): { secret: Uint8Array; generated: boolean } {
  if (configured !== undefined) return { secret: new TextEncoder().encode(configured), generated: false };
  return { secret: new Uint8Array(randomBytes(32)), generated: true };
}
