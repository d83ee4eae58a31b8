import { describe, expect, it } from "vitest";
import { MoveInput } from "../../shared/index.ts";
import { truncateUtf8 } from "../../colyseus/closeSocket.ts";
import { createClientIpResolver, limitKey, normalizeAddress } from "../../server/net/clientIp.ts";
import { defaultConfig } from "../../server/config.ts";
import { ConnectionLimits } from "../../server/net/connectionLimits.ts";
import { createEdge } from "../../server/net/edge.ts";
import type { EdgeRefusal } from "../../server/net/edgeRefusals.ts";
import type { EdgeSettings } from "../../server/net/edgeSettings.ts";
import { tickwireFramePolicy } from "../../server/net/framePolicy.ts";
import { createOriginPolicy } from "../../server/net/originPolicy.ts";
import { FrameRateLimit, TokenBucket, TokenBuckets } from "../../server/net/rateLimits.ts";
import { isUnder, routedPath } from "../../server/net/requestPath.ts";

describe("client IP", () => {
  const noProxy = createClientIpResolver([]);
  const behindProxy = createClientIpResolver(["10.0.0.1", "192.168.0.0/16"]);

  it("is the socket address when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(noProxy("203.0.113.7", "1.2.3.4")).toBe("203.0.113.7");
    expect(noProxy("::ffff:203.0.113.7", undefined)).toBe("203.0.113.7");
  });

  it("reads X-Forwarded-For from a trusted proxy, right to left, skipping trusted hops", () => {
    expect(behindProxy("10.0.0.1", "198.51.100.9")).toBe("198.51.100.9");
    expect(behindProxy("10.0.0.1", "6.6.6.6, 198.51.100.9, 192.168.3.4")).toBe("198.51.100.9");
    expect(behindProxy("10.0.0.1", ["6.6.6.6", "198.51.100.9"])).toBe("198.51.100.9");
  });

  it("ignores X-Forwarded-For from an untrusted peer", () => {
    expect(behindProxy("203.0.113.7", "198.51.100.9")).toBe("203.0.113.7");
  });

  it("stops at a malformed hop, and falls back to the proxy when the header is absent", () => {
    expect(behindProxy("10.0.0.1", "198.51.100.9, not-an-ip")).toBe("10.0.0.1");
    expect(behindProxy("10.0.0.1", undefined)).toBe("10.0.0.1");
  });

  it("names a request without a peer address 'unknown'", () => {
    expect(noProxy(undefined, undefined)).toBe("unknown");
  });

  it("keys IPv6 limits by /64", () => {
    expect(limitKey("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8:1:2::9")).toBe("2001:db8:1:2::/64");
    expect(limitKey("::1")).toBe("0:0:0:0::/64");
    expect(limitKey("203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeAddress("2001:DB8::1")).toBe("2001:db8::1");
  });
});

describe("origin policy", () => {
  const dev = createOriginPolicy({ allowedOrigins: undefined, allowLocalhost: true });
  const prod = createOriginPolicy({ allowedOrigins: undefined, allowLocalhost: false });
  const listed = createOriginPolicy({ allowedOrigins: ["https://Play.Example:443"], allowLocalhost: true });

  it("lets non-browser clients (no Origin) through", () => {
    for (const policy of [dev, prod, listed]) expect(policy.allows(undefined, "game.example")).toBe(true);
  });

  it("by default allows the same origin, and localhost outside production", () => {
    expect(dev.allows("https://game.example", "game.example")).toBe(true);
    expect(dev.allows("http://localhost:5173", "game.example")).toBe(true);
    expect(dev.allows("http://127.0.0.1:8080", "game.example")).toBe(true);
    expect(prod.allows("https://game.example", "game.example")).toBe(true);
    expect(prod.allows("http://localhost:5173", "game.example")).toBe(false);
    expect(dev.allows("https://evil.example", "game.example")).toBe(false);
  });

  it("with ALLOWED_ORIGINS, allows exactly those (canonicalised)", () => {
    expect(listed.allows("https://play.example", "anything")).toBe(true);
    expect(listed.allows("https://play.example:8443", "play.example:8443")).toBe(false);
    expect(listed.allows("http://localhost:5173", "localhost:5173")).toBe(false);
  });

  it('refuses "null" and non-http origins', () => {
    expect(dev.allows("null", "game.example")).toBe(false);
    expect(dev.allows("file:///x", "game.example")).toBe(false);
    expect(dev.allows("chrome-extension://abc", "game.example")).toBe(false);
  });

  it("echoes only allowed origins for CORS", () => {
    expect(dev.corsOrigin("https://game.example", "game.example")).toBe("https://game.example");
    expect(dev.corsOrigin("https://evil.example", "game.example")).toBeUndefined();
    expect(dev.corsOrigin(undefined, "game.example")).toBeUndefined();
  });
});

const T0 = 1_000_000;

describe("TokenBucket", () => {
  it("allows a burst, then one line per refill interval", () => {
    const bucket = new TokenBucket(5, 1, T0);
    for (let i = 0; i < 5; i++) expect(bucket.take(T0)).toEqual({ ok: true });
    expect(bucket.take(T0)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(bucket.take(T0 + 999)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(bucket.take(T0 + 1000)).toEqual({ ok: true });
    expect(bucket.take(T0 + 1000)).toEqual({ ok: false, retryAfterMs: 1000 });
  });

  it("says exactly how long to wait, rounded up, at a fractional rate", () => {
    const bucket = new TokenBucket(1, 0.3, T0);
    bucket.take(T0);
    const refused = bucket.take(T0);
    expect(refused).toEqual({ ok: false, retryAfterMs: 3334 });
    expect(bucket.take(T0 + 3333).ok).toBe(false);
    expect(bucket.take(T0 + 3334).ok).toBe(true);
  });

  it("never refills past its capacity", () => {
    const bucket = new TokenBucket(3, 10, T0);
    const later = T0 + 3_600_000;
    for (let i = 0; i < 3; i++) expect(bucket.take(later).ok).toBe(true);
    expect(bucket.take(later).ok).toBe(false);
  });

  it("is not drained by a clock that steps back", () => {
    const bucket = new TokenBucket(2, 1, T0);
    bucket.take(T0);
    expect(bucket.take(T0 - 60_000).ok).toBe(true);
    expect(bucket.take(T0 - 60_000).ok).toBe(false);
    expect(bucket.take(T0 + 1000).ok).toBe(true);
  });

  it("reports when it is full again", () => {
    const bucket = new TokenBucket(2, 1, T0);
    expect(bucket.isFull(T0)).toBe(true);
    bucket.take(T0);
    expect(bucket.isFull(T0 + 999)).toBe(false);
    expect(bucket.isFull(T0 + 1000)).toBe(true);
  });
});

describe("token buckets", () => {
  it("allows a burst, then refills at the rate", () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 3, now: () => now });
    expect([buckets.take("a"), buckets.take("a"), buckets.take("a"), buckets.take("a")]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(buckets.retryAfterSeconds("a")).toBe(1);
    expect(buckets.take("b")).toBe(true); // keys are independent
    now += 500;
    expect(buckets.take("a")).toBe(true);
    expect(buckets.take("a")).toBe(false);
  });

  it("rounds Retry-After up to whole seconds, and credits no time twice when the clock steps back", () => {
    let now = 10_000;
    const buckets = new TokenBuckets({ ratePerSecond: 0.4, burst: 1, now: () => now });
    expect(buckets.take("a")).toBe(true);
    expect(buckets.retryAfterSeconds("a")).toBe(3); // 2.5 s
    now = 5_000;
    expect(buckets.take("a")).toBe(false);
    now = 10_000;
    expect(buckets.take("a")).toBe(false);
    now = 12_500;
    expect(buckets.take("a")).toBe(true);
  });

  it("stays within maxKeys, forgetting full buckets first, then the idlest", () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 2, maxKeys: 10, now: () => now });
    for (let i = 0; i < 100; i++) {
      buckets.take(`k${i}`);
      now += 1;
    }
    expect(buckets.size).toBeLessThanOrEqual(10);
    expect(buckets.tokens("k99")).toBeLessThan(2); // the latest is still remembered
  });
});

describe("frame rate", () => {
  it("passes the rate, drops up to twice the rate, then kicks; a new second starts over", () => {
    let now = 0;
    const limit = new FrameRateLimit(3, () => now);
    const verdicts = Array.from({ length: 7 }, () => limit.admit());
    expect(verdicts).toEqual(["pass", "pass", "pass", "drop", "drop", "drop", "close"]);
    now += 1000;
    expect(limit.admit()).toBe("pass");
  });

  it("flags the first dropped frame of a window only", () => {
    const limit = new FrameRateLimit(1, () => 0);
    limit.admit();
    limit.admit();
    expect(limit.firstDropInWindow).toBe(true);
    limit.admit();
    expect(limit.firstDropInWindow).toBe(false);
  });
});

describe("connection limits", () => {
  it("caps per IP and releases exactly once", () => {
    const limits = new ConnectionLimits(2);
    const first = limits.acquire("a");
    const second = limits.acquire("a");
    expect(limits.acquire("a")).toBeUndefined();
    expect(limits.acquire("b")).toBeDefined();
    first?.();
    first?.();
    expect(limits.count("a")).toBe(1);
    expect(limits.acquire("a")).toBeDefined();
    second?.();
    expect(limits.total).toBe(2);
  });
});

describe("close reasons", () => {
  it("are cut to 123 bytes of UTF-8 without splitting a character", () => {
    expect(truncateUtf8("short", 123)).toBe("short");
    const cut = truncateUtf8("é".repeat(100), 123);
    expect(Buffer.byteLength(cut)).toBe(122);
    expect(cut).toBe("é".repeat(61));
  });
});

describe("routed path (what the HTTP gate matches)", () => {
  it.each([
    ["/auth/guest", "/auth/guest"],
    ["/Auth/guest", "/auth/guest"],
    ["/AUTH/GUEST?x=1", "/auth/guest"],
    ["http://x/auth/guest", "/auth/guest"],
    ["HTTP://X:80/Auth/Guest", "/auth/guest"],
    ["//auth/guest", "/auth/guest"],
    ["/auth//guest///", "/auth/guest/"],
    ["/%61uth/%67uest", "/auth/guest"],
    ["/auth%2Fguest", "/auth/guest"],
    ["/x/../auth/guest", "/auth/guest"],
    ["/./%2e/auth", "/auth"],
    ["/\\auth\\guest", "/auth/guest"],
    ["/auth/%zz%E9%00", "/auth/%zz%e9%00"],
    ["*", "/*"],
    [undefined, "/"],
  ])("%j is routed as %j", (target, expected) => {
    expect(routedPath(target)).toBe(expected);
  });

  it("matches whole first segments only", () => {
    expect(isUnder("/auth", "auth")).toBe(true);
    expect(isUnder("/auth/guest", "auth")).toBe(true);
    expect(isUnder("/authority", "auth")).toBe(false);
    expect(isUnder("/x/auth", "auth")).toBe(false);
  });
});

describe("upgrade admission (createEdge: plain values in, a verdict out)", () => {
  const edgeWith = (overrides: Partial<EdgeSettings>, shuttingDown = () => false) => {
    const refusals: EdgeRefusal[] = [];
    const edge = createEdge({
      settings: { ...defaultConfig().net, ...overrides },
      production: true,
      framePolicy: tickwireFramePolicy(MoveInput),
      shuttingDown,
      logger: undefined,
      countRefusal: (refusal) => refusals.push(refusal),
    });
    return { edge, refusals };
  };
  const request = (origin: string | undefined, url = "/p1/r1?sessionId=s1") => ({
    url,
    origin,
    host: "play.example",
    remoteAddress: "203.0.113.7",
    forwardedFor: undefined,
  });

  it("refuses during shutdown (503) before anything else, and counts it", async () => {
    const { edge, refusals } = edgeWith({}, () => true);
    expect(await edge.admitUpgrade(request("http://evil.example"))).toEqual({
      accept: false,
      status: 503,
      reason: "shutting down",
    });
    expect(refusals).toEqual([{ type: "upgrade", reason: "shutting_down" }]);
  });

  it("refuses a foreign origin (403) without spending the budget", async () => {
    const { edge } = edgeWith({ httpBurst: 1 });
    expect(await edge.admitUpgrade(request("http://evil.example"))).toMatchObject({ accept: false, status: 403 });
    expect((await edge.admitUpgrade(request(undefined))).accept).toBe(true);
  });

  it("refuses past the per-IP budget, then past the per-IP connection cap, and release gives the slot back", async () => {
    const budget = edgeWith({ httpBurst: 1 });
    expect((await budget.edge.admitUpgrade(request(undefined))).accept).toBe(true);
    expect(await budget.edge.admitUpgrade(request(undefined))).toMatchObject({
      accept: false,
      status: 429,
      reason: "too many requests",
    });

    const cap = edgeWith({ maxConnectionsPerIp: 1 });
    const first = await cap.edge.admitUpgrade(request(undefined));
    expect(await cap.edge.admitUpgrade(request(undefined))).toMatchObject({
      accept: false,
      reason: "too many connections",
    });
    expect(cap.refusals).toEqual([{ type: "upgrade", reason: "too_many_connections" }]);
    if (!first.accept) throw new Error("the first upgrade was refused");
    first.release();
    expect((await cap.edge.admitUpgrade(request(undefined))).accept).toBe(true);
  });

  it("refuses an address over its cost budget with no live connection to cut (429 'too costly'), counted, for that address only", async () => {
    const { edge, refusals } = edgeWith({ httpBurst: 1 });
    const asked: string[] = [];
    const ipTooCostly = (ip: string) => {
      asked.push(ip);
      return ip === "203.0.113.7";
    };
    expect(await edge.admitUpgrade({ ...request(undefined), ipTooCostly })).toEqual({
      accept: false,
      status: 429,
      reason: "too costly",
    });
    expect(refusals).toEqual([{ type: "upgrade", reason: "too_costly" }]);
    // Asked with the limit key (clientIp.ts), and the refusal spent none of the request budget.
    expect(asked).toEqual(["203.0.113.7"]);
    const elsewhere = await edge.admitUpgrade({ ...request(undefined), remoteAddress: "198.51.100.3", ipTooCostly });
    expect(elsewhere.accept).toBe(true);
    expect((await edge.admitUpgrade({ ...request(undefined), ipTooCostly: () => false })).accept).toBe(true);
  });

  it("refuses a path that names no room seat with 404, after the budget, before taking a connection slot", async () => {
    const { edge, refusals } = edgeWith({ maxConnectionsPerIp: 1, httpBurst: 2 });
    expect(await edge.admitUpgrade(request(undefined, "/x/constructor?sessionId=s1"))).toEqual({
      accept: false,
      status: 404,
      reason: "not found",
    });
    expect(refusals).toEqual([{ type: "upgrade", reason: "not_a_room" }]);
    // It paid its token, and left the one connection slot free.
    expect((await edge.admitUpgrade(request(undefined))).accept).toBe(true);
    expect(await edge.admitUpgrade(request(undefined))).toMatchObject({ status: 429, reason: "too many requests" });
  });
});
