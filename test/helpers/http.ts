import { request } from "node:http";
import type { HttpAnswer } from "../../colyseus/wireClient.ts";
import type { TestServer } from "./server.ts";

/**
 * A POST with the request target sent verbatim: `fetch` normalises URLs, so
 * it cannot send an absolute-form target (`http://x/auth/guest`), `//a` or
 * `/./a`, which Node's server hands to the routers as they are.
 */
export async function postRaw(
  ts: TestServer,
  target: string,
  { headers = {}, body = "{}" }: { headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: ts.port,
        method: "POST",
        path: target,
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: Record<string, unknown>;
          try {
            parsed = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
          } catch {
            parsed = { text };
          }
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === "string") responseHeaders.set(name, value);
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: responseHeaders });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
