import { get as httpGetRaw, type IncomingMessage } from "node:http";
import { get as httpsGetRaw } from "node:https";

/**
 * GET `url` and read the whole answer. node:http(s) rather than fetch: it
 * takes the `ca` of a self-signed certificate (fetch in Node 20 has no TLS
 * option without the undici package).
 */
export function httpGet(url: string, ca?: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const secure = url.startsWith("https:");
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    };
    const request = secure ? httpsGetRaw(url, ca === undefined ? {} : { ca }, onResponse) : httpGetRaw(url, onResponse);
    request.setTimeout(5000, () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on("error", reject);
  });
}
