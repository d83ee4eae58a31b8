import { SignJWT, base64url } from "jose";

/** Claims shaped like Tickwire's, valid for a minute from `nowMs`, with any field overridden. */
function claims(nowMs: number, overrides: Record<string, unknown>) {
  const now = Math.floor(nowMs / 1000);
  return {
    sub: "p_x",
    name: "X",
    role: "admin",
    iss: "tickwire",
    aud: "tickwire:play",
    iat: now,
    exp: now + 60,
    ...overrides,
  };
}

/** An unsigned `alg: "none"` JWT, as an attacker would forge it. */
export function unsignedToken(nowMs: number, overrides: Record<string, unknown> = {}): string {
  const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
  return `${header}.${base64url.encode(JSON.stringify(claims(nowMs, overrides)))}.`;
}

/** A token signed with `secret` under any HMAC algorithm, bypassing TokenService's own checks. */
export async function signedToken(
  secret: Uint8Array,
  nowMs: number,
  { alg = "HS256", ...overrides }: Record<string, unknown> & { alg?: string } = {},
): Promise<string> {
  const { sub, iss, aud, iat, exp, ...payload } = claims(nowMs, overrides);
  return new SignJWT(payload)
    .setProtectedHeader({ alg })
    .setSubject(sub)
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(secret);
}
