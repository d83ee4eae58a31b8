import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLYSEUS_BUILTIN_ROUTES } from "../../colyseus/httpServerGate.ts";
import { startMiniServer, type MiniServer } from "./miniServer.ts";

/**
 * Pins for what colyseus/httpServerGate.ts hides and server/http/plainAnswers.ts
 * avoids, against a bare Colyseus server with no gate and no express app:
 * Colyseus' router answers `GET /__healthcheck` with "OK", and `GET /` with
 * "Colyseus <version>" when the express app has no root route (Tickwire's
 * app always has one: its JSON 404 fallback). Through the whole app:
 * test/hostile/fingerprint.test.ts.
 */
let mini: MiniServer;

beforeAll(async () => {
  mini = await startMiniServer();
});
afterAll(() => mini.close());

const version = (
  JSON.parse(readFileSync(join(import.meta.dirname, "../../node_modules/@colyseus/core/package.json"), "utf8")) as {
    version: string;
  }
).version;

describe("Colyseus' router (router/index.ts bindRouterToTransport)", () => {
  it("answers the built-in routes the gate hides", async () => {
    for (const path of COLYSEUS_BUILTIN_ROUTES) {
      const response = await fetch(`${mini.httpUrl}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toBe("OK");
    }
  });

  it("names itself and its version on GET / when no root route exists", async () => {
    const response = await fetch(`${mini.httpUrl}/`);
    expect(await response.text()).toBe(`Colyseus ${version}`);
  });
});
