import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { AuthError, TokenService } from "../../server/auth/TokenService.ts";
import { AuthFailure, Role, type PlayerIdentity } from "../../shared/index.ts";
import { signedToken, unsignedToken } from "../helpers/tokens.ts";

const secret = new TextEncoder().encode("s".repeat(40));
const alice: PlayerIdentity = { playerId: "p_alice", name: "Alice", role: Role.Player };
const T0 = Date.UTC(2026, 0, 1);

const RENEW_TTL_S = 30 * 24 * 3600;

function service(now: number, key = secret) {
  return new TokenService({ secret: key, ttlSeconds: 3600, renewTtlSeconds: RENEW_TTL_S, now: () => now });
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

  it("verifies a renewal token until it expires, and rotates: each one is new", async () => {
    const first = await service(T0).issueRenewal("p_alice");
    const second = await service(T0).issueRenewal("p_alice");
    expect(first.expiresAt).toBe(T0 + RENEW_TTL_S * 1000);
    expect(second.renewToken).not.toBe(first.renewToken);
    expect(await service(T0 + (RENEW_TTL_S - 60) * 1000).verifyRenewal(first.renewToken)).toBe("p_alice");
    expect(await reason(service(T0 + (RENEW_TTL_S + 1) * 1000).verifyRenewal(first.renewToken))).toBe(
      AuthFailure.Expired,
    );
  });

  it("renews nothing with an access token, valid or expired", async () => {
    const { token } = await service(T0).issue(alice);
    expect(await reason(service(T0).verifyRenewal(token))).toBe(AuthFailure.Invalid);
    // Refused either way (jose happens to check the audience first).
    expect([AuthFailure.Invalid, AuthFailure.Expired]).toContain(
      await reason(service(T0 + 3601_000).verifyRenewal(token)),
    );
  });

  it("never takes a renewal token as an access token (rooms refuse it)", async () => {
    const { renewToken } = await service(T0).issueRenewal("p_alice");
    expect(await reason(service(T0).verify(renewToken))).toBe(AuthFailure.Invalid);
  });

  it("does not renew with a renewal token signed by someone else, or one whose claims were edited", async () => {
    const { renewToken } = await service(T0, new TextEncoder().encode("o".repeat(40))).issueRenewal("p_alice");
    expect(await reason(service(T0).verifyRenewal(renewToken))).toBe(AuthFailure.Invalid);
    const ours = (await service(T0).issueRenewal("p_alice")).renewToken;
    const stolenId = tamper(ours, (claims) => (claims.sub = "p_victim"));
    expect(await reason(service(T0).verifyRenewal(stolenId))).toBe(AuthFailure.Invalid);
  });

  it('refuses a renewal token with alg "none" or another HMAC algorithm', async () => {
    const none = unsignedToken(T0, { aud: "tickwire:renew", jti: "j" });
    expect(await reason(service(T0).verifyRenewal(none))).toBe(AuthFailure.Algorithm);
    const hs512 = await signedToken(secret, T0, { alg: "HS512", aud: "tickwire:renew", jti: "j" });
    expect(await reason(service(T0).verifyRenewal(hs512))).toBe(AuthFailure.Algorithm);
  });

  it("makes distinct unguessable player ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => TokenService.newPlayerId()));
    expect(ids.size).toBe(1000);
    expect([...ids][0]).toMatch(/^p_[A-Za-z0-9_-]{16}$/);
  });
});
