import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { TokenService } from "../../server/auth/TokenService.ts";
import { isEntryPoint } from "../../server/cli/entryPoint.ts";
import { UsageError, createOperatorToken } from "../../server/cli/token.ts";

const SECRET = "cli-test-secret-0123456789abcdefghijkl";
const env = { AUTH_SECRET: SECRET };
/** A directory whose name has a space, as a user's home or a project folder may. */
const scratch = mkdtempSync(join(tmpdir(), "tickwire cli "));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
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

  it("accepts a 64-character id, which the server verifies", async () => {
    const result = await createOperatorToken(["--name", "A", "--id", "p".repeat(64)], env);
    expect((await verifier.verify(result.token)).playerId).toBe("p".repeat(64));
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
    // The server would refuse either with token_invalid (player ids are 1–64 characters).
    ["an empty id", ["--name", "A", "--id", ""], env, /--id must be 1 to 64 characters/],
    ["a 65-character id", ["--name", "A", "--id", "p".repeat(65)], env, /--id must be 1 to 64 characters/],
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

  it("prints the token when run through a symlink in a directory whose name has a space", async () => {
    const link = join(scratch, "token cli.ts");
    symlinkSync(resolve("server/cli/token.ts"), link);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", link, "--role", "admin", "--name", "Root"],
      { env: { ...process.env, AUTH_SECRET: SECRET } },
    );
    expect(await verifier.verify(stdout.trim())).toMatchObject({ name: "Root", role: "admin" });
  });
});

describe("isEntryPoint", () => {
  it("matches the same file however it is spelled: a space, a symlink, a relative path", () => {
    const file = join(scratch, "real script.ts");
    writeFileSync(file, "");
    const link = join(scratch, "link to script.ts");
    symlinkSync(file, link);
    const url = pathToFileURL(file).href;
    expect(url).toContain("%20");
    expect(isEntryPoint(url, file)).toBe(true);
    expect(isEntryPoint(url, link)).toBe(true);
    expect(isEntryPoint(pathToFileURL(link).href, file)).toBe(true);
  });

  it("does not match another file, a missing one, or no script at all", () => {
    const file = join(scratch, "one.ts");
    const other = join(scratch, "two.ts");
    writeFileSync(file, "");
    writeFileSync(other, "");
    expect(isEntryPoint(pathToFileURL(file).href, other)).toBe(false);
    expect(isEntryPoint(pathToFileURL(file).href, join(scratch, "missing.ts"))).toBe(false);
    expect(isEntryPoint(pathToFileURL(file).href, undefined)).toBe(false);
  });
});
