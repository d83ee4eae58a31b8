import { randomBytes } from "node:crypto";
import { SignJWT, errors, jwtVerify, type JWTPayload } from "jose";
import { z } from "zod";
import { AuthFailure, ROLES, type PlayerIdentity, type Role } from "../../shared/index.ts";

const ISSUER = "tickwire";
const AUDIENCE = "tickwire:play";
const ALGORITHM = "HS256";
/** How long after expiry a token may still be renewed into one with the same player id. */
export const RENEWAL_WINDOW_S = 30 * 24 * 3600;

const Claims = z.object({
  sub: z.string().min(1).max(64),
  name: z.string().min(1).max(64),
  role: z.enum(ROLES as [Role, ...Role[]]),
});

/** A refused token, with the reason a client can act on. */
export class AuthError extends Error {
  override name = "AuthError";
  constructor(readonly reason: AuthFailure) {
    super(reason);
  }
}

export interface TokenServiceOptions {
  secret: Uint8Array;
  ttlSeconds: number;
  /** Injectable clock (ms since the epoch) for tests. */
  now?: () => number;
}

/**
 * Signs and verifies player tokens: HS256 JWTs (via jose) carrying the
 * stable player id (`sub`), the sanitised name and the role.
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

  async issue(identity: PlayerIdentity): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = Math.floor(this.now() / 1000);
    const expiresAt = issuedAt + this.options.ttlSeconds;
    const token = await new SignJWT({ name: identity.name, role: identity.role })
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setSubject(identity.playerId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.options.secret);
    return { token, expiresAt: expiresAt * 1000 };
  }

  /** The identity in a valid token; throws AuthError otherwise. */
  async verify(token: unknown): Promise<PlayerIdentity> {
    return this.check(token, false);
  }

  /**
   * The identity in a token whose signature is ours, even if it has expired:
   * lets a returning guest renew without losing their player id (and so
   * without shedding mutes that follow the identity).
   */
  async verifyForRenewal(token: unknown): Promise<PlayerIdentity> {
    return this.check(token, true);
  }

  private async check(token: unknown, allowExpired: boolean): Promise<PlayerIdentity> {
    if (typeof token !== "string" || token.length === 0) throw new AuthError(AuthFailure.Missing);
    // Bound the work an attacker can make us do before the signature check.
    if (token.length > 4096) throw new AuthError(AuthFailure.Invalid);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.options.secret, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ["sub", "exp", "iat"],
        // Renewal skips jose's expiry check (epoch 0) and applies RENEWAL_WINDOW_S below.
        currentDate: new Date(allowExpired ? 0 : this.now()),
      }));
    } catch (error) {
      throw new AuthError(classify(error));
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw new AuthError(AuthFailure.Invalid);
    if (allowExpired && (payload.exp ?? 0) + RENEWAL_WINDOW_S < this.now() / 1000) {
      throw new AuthError(AuthFailure.Expired);
    }
    return { playerId: claims.data.sub, name: claims.data.name, role: claims.data.role };
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
