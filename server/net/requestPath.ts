/**
 * The path a request's target may be routed as, for deciding whether the
 * HTTP gate applies. Deliberately broader than any one router: the gate must
 * see `/auth/guest` wherever express or Colyseus would, and gating a path no
 * router serves only costs that request a token from its own budget.
 *
 * Express routes case-insensitively and reads absolute-form targets
 * (`POST http://x/auth/guest`, RFC 9112 §3.2.2) through `parseurl`, so a
 * case-sensitive prefix test on the raw `req.url` let `/Auth/guest`,
 * `/AUTH/guest` and `http://x/auth/guest` past the budget and the Origin
 * check (measured: all three answered 200 with a token). Here:
 *
 * - the target is parsed as a URL, absolute-form or origin-form; an
 *   origin-form target is appended to a base rather than resolved against
 *   it, so `//auth/guest` stays a path instead of becoming a host "auth";
 * - `.` and `..` segments are resolved (WHATWG URL does that);
 * - ASCII percent-escapes are decoded once (`/%61uth` is `/auth`; a
 *   malformed escape stays as it is, nothing throws);
 * - the result is lowercased and runs of `/` collapsed.
 */
export function routedPath(target: string | undefined): string {
  const raw = target ?? "/";
  let pathname: string;
  try {
    pathname = (raw.startsWith("/") ? new URL(`http://placeholder${raw}`) : new URL(raw, "http://placeholder/"))
      .pathname;
  } catch {
    // Not a URL at all: judge the raw text, minus any query.
    pathname = raw.split("?")[0] ?? "";
  }
  return decodeAsciiEscapes(pathname)
    .replace(/\\/g, "/")
    .toLowerCase()
    .replace(/\/{2,}/g, "/");
}

/** `%41` → `A` for printable ASCII only: the gated prefixes are ASCII, and no escape can make this throw. */
function decodeAsciiEscapes(path: string): string {
  return path.replace(/%([0-7][0-9a-f])/gi, (escape, hex: string) => {
    const code = Number.parseInt(hex, 16);
    return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : escape;
  });
}

/** Whether `path` (as `routedPath` gives it) is `/<segment>` or below it. */
export function isUnder(path: string, segment: string): boolean {
  return path === `/${segment}` || path.startsWith(`/${segment}/`);
}
