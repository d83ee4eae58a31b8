import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificateDir, type TestCertificate } from "../helpers/certificates.ts";

/** The real entry point with TLS files that cannot be used: one clear line, exit 1, no stack trace. */
let certs: Awaited<ReturnType<typeof certificateDir>>;
let cert: TestCertificate;
let other: TestCertificate;

beforeAll(async () => {
  certs = await certificateDir();
  [cert, other] = await Promise.all([certs.create("server"), certs.create("other")]);
}, 30_000);
afterAll(() => certs?.remove());

/** Run server/index.ts to its exit; stdout's JSON lines and stderr's text. */
function runServer(
  env: Record<string, string>,
): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", SERVE_CLIENT: "none", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // A server that did start is a failure of the test, not a hang: it would log "tickwire listening".
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      const lines = stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, lines, stderr });
    }),
  );
}

describe("TLS files at start", () => {
  it("a missing certificate file: a fatal line naming it, exit 1", async () => {
    const missing = path.join(certs.dir, "missing.pem");
    const { code, lines, stderr } = await runServer({ TLS_CERT_FILE: missing, TLS_KEY_FILE: cert.key });
    expect(code).toBe(1);
    const fatal = lines.filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({
      file: missing,
      msg: expect.stringContaining(`TLS_CERT_FILE: cannot read ${missing}`) as unknown,
    });
    expect(lines.some((line) => line.msg === "tickwire listening")).toBe(false);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(JSON.stringify(lines)).not.toMatch(/"stack"|\\n\s+at /);
  });

  it("an invalid certificate, or a key of another certificate: the same, naming the file at fault", async () => {
    const garbage = path.join(certs.dir, "garbage.pem");
    await writeFile(garbage, "hello\n");
    const invalid = await runServer({ TLS_CERT_FILE: garbage, TLS_KEY_FILE: cert.key });
    expect(invalid.code).toBe(1);
    expect(invalid.lines.find((line) => line.level === 60)).toMatchObject({ file: garbage });
    const mismatch = await runServer({ TLS_CERT_FILE: cert.certificate, TLS_KEY_FILE: other.key });
    expect(mismatch.code).toBe(1);
    const fatal = mismatch.lines.find((line) => line.level === 60);
    expect(fatal).toMatchObject({ file: other.key });
    expect(String(fatal?.msg)).toContain("does not belong to the certificate");
    expect(mismatch.stderr + JSON.stringify(mismatch.lines)).not.toContain("PRIVATE KEY");
  });

  it("one file without the other is a configuration error on stderr, exit 1", async () => {
    const { code, stderr, lines } = await runServer({ TLS_CERT_FILE: cert.certificate });
    expect(code).toBe(1);
    expect(stderr).toContain("TLS_KEY_FILE: required with TLS_CERT_FILE");
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(lines.some((line) => line.msg === "tickwire listening")).toBe(false);
  });
});

describe("ports that cannot be bound at start", () => {
  let taken: Server;
  let takenPort: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    takenPort = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  const expectOneFatalLine = (run: Awaited<ReturnType<typeof runServer>>) => {
    expect(run.code).toBe(1);
    const fatal = run.lines.filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ code: "EADDRINUSE", port: takenPort });
    expect(String(fatal[0]?.msg)).toContain(`127.0.0.1:${takenPort} (EADDRINUSE)`);
    // ws-transport also logs the bind error with its stack (an error line of
    // component "colyseus"); the process' own word is the fatal line.
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(JSON.stringify(fatal[0])).not.toMatch(/"stack"|\\n\s+at /);
  };

  it("PORT in use: one fatal line naming it, exit 1", async () => {
    const run = await runServer({ PORT: String(takenPort) });
    expectOneFatalLine(run);
    expect(run.lines.some((line) => line.msg === "tickwire listening")).toBe(false);
  });

  it("HTTP_REDIRECT_PORT in use (the https port already listening): the same", async () => {
    expectOneFatalLine(
      await runServer({
        TLS_CERT_FILE: cert.certificate,
        TLS_KEY_FILE: cert.key,
        HTTP_REDIRECT_PORT: String(takenPort),
      }),
    );
  });
});
