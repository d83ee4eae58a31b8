import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { AuthError, RENEWAL_WINDOW_S, TokenService } from "../../server/auth/TokenService.ts";
import { AuthFailure, Role, type PlayerIdentity } from "../../shared/index.ts";
import { signedToken, unsignedToken } from "../helpers/tokens.ts";

const secret = new TextEncoder().encode("s".repeat(40));
const alice: PlayerIdentity = { playerId: "p_alice", name: "Alice", role: Role.Player };
const T0 = Date.UTC(2026, 0, 1);

function service(now: number, key = secret) {
  return new TokenService({ secret: key, ttlSeconds: 3600, now: () => now });
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error.reason;
    throw error;
  }
  throw new Error("token was accepted");
}

/** Re-encode a token's payload without re-signing it. */
function tamper(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ""))) as Record<string, unknown>;
  change(claims);
  return [header, base64url.encode(JSON.stringify(claims)), signature].join(".");
}

describe("TokenService", () => {
  it("round-trips an identity and reports the expiry", async () => {
    const { token, expiresAt } = await service(T0).issue(alice);
    expect(expiresAt).toBe(T0 + 3600_000);
    expect(await service(T0 + 1000).verify(token)).toEqual(alice);
  });

  it("refuses an expired token", async () => {
    const { token } = await service(T0).issue(alice);
    expect(await reason(service(T0 + 3601_000).verify(token))).toBe(AuthFailure.Expired);
  });

  it("refuses a tampered payload (role raised to admin)", async () => {
    const { token } = await service(T0).issue(alice);
    const forged = tamper(token, (claims) => (claims.role = "admin"));
    expect(await reason(service(T0).verify(forged))).toBe(AuthFailure.Invalid);
  });

  it("refuses a token signed with another secret", async () => {
    const { token } = await service(T0, new TextEncoder().encode("o".repeat(40))).issue(alice);
    expect(await reason(service(T0).verify(token))).toBe(AuthFailure.Invalid);
  });

  it('refuses alg "none"', async () => {
    expect(await reason(service(T0).verify(unsignedToken(T0)))).toBe(AuthFailure.Algorithm);
  });

  it("refuses another HMAC algorithm even with the right secret", async () => {
    const token = await signedToken(secret, T0, { alg: "HS512", role: "player" });
    expect(await reason(service(T0).verify(token))).toBe(AuthFailure.Algorithm);
  });

  it("refuses a well-signed token with claims of the wrong shape", async () => {
    const token = await signedToken(secret, T0, { role: "superuser" });
    expect(await reason(service(T0).verify(token))).toBe(AuthFailure.Invalid);
  });

  it.each([
    ["undefined", undefined, AuthFailure.Missing],
    ["empty", "", AuthFailure.Missing],
    ["a number", 42, AuthFailure.Missing],
    ["garbage", "not.a.jwt", AuthFailure.Invalid],
    ["huge", "a".repeat(100_000), AuthFailure.Invalid],
  ])("refuses %s", async (_label, token, expected) => {
    expect(await reason(service(T0).verify(token))).toBe(expected);
  });

  it("renews an expired token within the window, keeping the player id", async () => {
    const { token } = await service(T0).issue(alice);
    const later = T0 + 3600_000 + (RENEWAL_WINDOW_S - 60) * 1000;
    expect(await service(later).verifyForRenewal(token)).toEqual(alice);
    const tooLate = T0 + 3600_000 + (RENEWAL_WINDOW_S + 60) * 1000;
    expect(await reason(service(tooLate).verifyForRenewal(token))).toBe(AuthFailure.Expired);
  });

  it("does not renew a token signed by someone else", async () => {
    const { token } = await service(T0, new TextEncoder().encode("o".repeat(40))).issue(alice);
    expect(await reason(service(T0).verifyForRenewal(token))).toBe(AuthFailure.Invalid);
  });

  it("makes distinct unguessable player ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => TokenService.newPlayerId()));
    expect(ids.size).toBe(1000);
    expect([...ids][0]).toMatch(/^p_[A-Za-z0-9_-]{16}$/);
  });
});
