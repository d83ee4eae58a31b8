import { describe, expect, it } from "vitest";
import { ServerApi } from "../../client/net/api.ts";
import { IdentityStore, readToken, type KeyValueStore } from "../../client/net/identity.ts";
import { sanitizeName, type GuestTokenResponse } from "../../shared/index.ts";

function jwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "HS256" })}.${encode(claims)}.signature`;
}

class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

/**
 * A fake server that mints readable tokens and records what it was asked.
 * Like the real one, it keeps the player id only for an unexpired renewal
 * token (`aud: tickwire:renew`), never for an access token.
 */
function fakeApi(now: () => number, { renewTtlS = 30 * 24 * 3600 } = {}) {
  const calls: Array<{ name: string; bearer: string | undefined }> = [];
  let counter = 0;
  const api = new ServerApi("http://game", (_url, init) => {
    const body = JSON.parse(init?.body as string) as { name: string };
    const bearer = (init?.headers as Record<string, string>).authorization?.replace("Bearer ", "");
    calls.push({ name: body.name, bearer });
    // As the server does: sanitised, or generated when nothing usable is left.
    const name = sanitizeName(body.name) || `Player-${counter + 1}`;
    const seconds = Math.floor(now() / 1000);
    const claims = bearer === undefined ? undefined : decodeClaims(bearer);
    const renewed = claims?.aud === "tickwire:renew" && Number(claims.exp) > seconds ? String(claims.sub) : undefined;
    const playerId = renewed ?? `p_${++counter}`;
    const exp = seconds + 3600;
    const token = jwt({ sub: playerId, name, role: "player", exp, aud: "tickwire:play" });
    const renewToken = jwt({ sub: playerId, exp: seconds + renewTtlS, aud: "tickwire:renew", jti: `j${++counter}` });
    const answer: GuestTokenResponse = {
      token,
      renewToken,
      playerId,
      name,
      role: "player",
      expiresAt: exp * 1000,
    };
    return Promise.resolve(new Response(JSON.stringify(answer), { status: 200 }));
  });
  return { api, calls };
}

function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
}

const RENEW_KEY = "tickwire.renewToken";

describe("readToken", () => {
  it("reads name, role, id and expiry", () => {
    expect(readToken(jwt({ sub: "p_1", name: "Zoë", role: "moderator", exp: 100 }))).toEqual({
      token: expect.any(String) as string,
      playerId: "p_1",
      name: "Zoë",
      role: "moderator",
      expiresAt: 100_000,
    });
  });

  it.each(["", "abc", "a.b.c", jwt({ sub: "p", name: "n", role: "god", exp: 1 }), jwt({ name: "n" })])(
    "rejects %j",
    (token) => {
      expect(readToken(token)).toBeUndefined();
    },
  );
});

describe("IdentityStore", () => {
  it("remembers the name", () => {
    const now = 0;
    const store = new MemoryStore();
    const identity = new IdentityStore(fakeApi(() => now).api, store, () => now);
    identity.name = "Alice";
    expect(new IdentityStore(fakeApi(() => now).api, store).name).toBe("Alice");
  });

  it("fetches a guest token once and reuses it while valid", async () => {
    let now = 1_000_000;
    const { api, calls } = fakeApi(() => now);
    const identity = new IdentityStore(api, new MemoryStore(), () => now);
    const first = await identity.token("Alice");
    now += 60_000;
    const second = await identity.token("Alice");
    expect(second.token).toBe(first.token);
    expect(calls).toHaveLength(1);
  });

  it("renews near expiry and on a name change with the renewal token (never the access token), keeping the id", async () => {
    let now = 1_000_000;
    const { api, calls } = fakeApi(() => now);
    const storage = new MemoryStore();
    const identity = new IdentityStore(api, storage, () => now);
    const first = await identity.token("Alice");
    const firstRenew = storage.data.get(RENEW_KEY);
    expect(decodeClaims(firstRenew ?? "").aud).toBe("tickwire:renew");
    now += 3600_000;
    const renewed = await identity.token("Alice");
    const secondRenew = storage.data.get(RENEW_KEY);
    const renamed = await identity.token("Alicia");
    // Each renewal sends the renewal token the previous answer carried (rotation).
    expect(calls.map((c) => c.bearer)).toEqual([undefined, firstRenew, secondRenew]);
    expect(secondRenew).not.toBe(firstRenew);
    expect(calls.map((c) => c.bearer)).not.toContain(first.token);
    expect(new Set([first.playerId, renewed.playerId, renamed.playerId])).toEqual(new Set([first.playerId]));
    expect(renamed.name).toBe("Alicia");
  });

  it("reuses its token when the typed name differs only by what the server strips, or is empty", async () => {
    const now = 1_000_000;
    const { api, calls } = fakeApi(() => now);
    const identity = new IdentityStore(api, new MemoryStore(), () => now);
    const spaced = await identity.token("  Alice\u200B ");
    expect(spaced.name).toBe("Alice");
    expect((await identity.token("Alice")).token).toBe(spaced.token);
    // A player who typed nothing keeps the name the server generated, instead of a new one per join.
    expect((await identity.token("")).token).toBe(spaced.token);
    expect(calls).toHaveLength(1);
  });

  it("does not send an expired renewal token: it is dropped and a new identity fetched", async () => {
    let now = 1_000_000;
    const { api, calls } = fakeApi(() => now, { renewTtlS: 7200 });
    const storage = new MemoryStore();
    const identity = new IdentityStore(api, storage, () => now);
    const first = await identity.token("Alice");
    now += 7201_000;
    const later = await identity.token("Alice");
    expect(calls.map((c) => c.bearer)).toEqual([undefined, undefined]);
    expect(later.playerId).not.toBe(first.playerId);
    expect(storage.data.get(RENEW_KEY)).not.toBeUndefined();
  });

  it("forgets a token the server refused, and its renewal token with it", async () => {
    const now = 1_000_000;
    const { api, calls } = fakeApi(() => now);
    const storage = new MemoryStore();
    const identity = new IdentityStore(api, storage, () => now);
    const first = await identity.token("Alice");
    identity.forget(first.token);
    expect(storage.data.has(RENEW_KEY)).toBe(false);
    await identity.token("Alice");
    expect(calls.map((c) => c.bearer)).toEqual([undefined, undefined]);
  });

  it("a guest token stored before renewal tokens existed is not sent: a new identity", async () => {
    let now = 1_000_000;
    const { api, calls } = fakeApi(() => now);
    const storage = new MemoryStore();
    const legacy = jwt({ sub: "p_old", name: "Alice", role: "player", exp: Math.floor(now / 1000) + 60 });
    storage.setItem("tickwire.guestToken", legacy);
    now += 120_000;
    const fresh = await new IdentityStore(api, storage, () => now).token("Alice");
    expect(calls.map((c) => c.bearer)).toEqual([undefined]);
    expect(fresh.playerId).not.toBe("p_old");
  });

  it("prefers a valid operator token and drops an expired one", async () => {
    let now = 1_000_000;
    const { api, calls } = fakeApi(() => now);
    const identity = new IdentityStore(api, new MemoryStore(), () => now);
    const operator = jwt({ sub: "p_mod", name: "Mo", role: "moderator", exp: Math.floor(now / 1000) + 600 });
    expect(identity.setOperatorToken("not a token")).toBe(false);
    expect(identity.setOperatorToken(operator)).toBe(true);
    expect((await identity.token("Alice")).role).toBe("moderator");
    now += 3600_000;
    expect((await identity.token("Alice")).role).toBe("player");
    expect(identity.operatorToken).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it("works when storage throws", async () => {
    const broken: KeyValueStore = {
      getItem: () => {
        throw new Error("blocked");
      },
      setItem: () => {
        throw new Error("blocked");
      },
      removeItem: () => {
        throw new Error("blocked");
      },
    };
    const now = 0;
    const identity = new IdentityStore(fakeApi(() => now).api, broken, () => now);
    identity.name = "X";
    expect(identity.name).toBe("");
    expect((await identity.token("X")).name).toBe("X");
  });
});
