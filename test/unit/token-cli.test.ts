import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { TokenService } from "../../server/auth/TokenService.ts";
import { UsageError, createOperatorToken } from "../../server/cli/token.ts";

const SECRET = "cli-test-secret-0123456789abcdefghijkl";
const env = { AUTH_SECRET: SECRET };
const verifier = new TokenService({ secret: new TextEncoder().encode(SECRET), ttlSeconds: 60 });

describe("npm run token", () => {
  it("signs a moderator token with the server's secret", async () => {
    const result = await createOperatorToken(["--role", "moderator", "--name", "Alice"], env);
    expect(await verifier.verify(result.token)).toEqual({
      playerId: result.playerId,
      name: "Alice",
      role: "moderator",
    });
  });

  it("keeps a given player id and ttl", async () => {
    const before = Date.now();
    const result = await createOperatorToken(
      ["--name", "Root", "--role", "admin", "--id", "p_root", "--ttl", "120"],
      env,
    );
    expect(result).toMatchObject({ playerId: "p_root", role: "admin" });
    expect(result.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 120_000);
    expect(result.expiresAt).toBeLessThanOrEqual(Date.now() + 121_000);
  });

  it.each([
    ["no secret", ["--name", "A"], {}, /AUTH_SECRET/],
    ["no name", ["--role", "admin"], env, /--name/],
    ["an unknown role", ["--name", "A", "--role", "god"], env, /--role/],
    ["a bad ttl", ["--name", "A", "--ttl", "-5"], env, /--ttl/],
  ])("refuses %s", async (_label, argv, environment, message) => {
    await expect(createOperatorToken(argv, environment)).rejects.toThrow(UsageError);
    await expect(createOperatorToken(argv, environment)).rejects.toThrow(message);
  });

  it("prints only the token on stdout when run as a command", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "server/cli/token.ts", "--role", "moderator", "--name", "Mo"],
      { env: { ...process.env, AUTH_SECRET: SECRET } },
    );
    expect(stderr).toContain("moderator token");
    expect(await verifier.verify(stdout.trim())).toMatchObject({ name: "Mo", role: "moderator" });
  });
});
