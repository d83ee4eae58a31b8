import type { Application, NextFunction, Request, Response } from "express";
import type { Logger } from "../logger.ts";

/**
 * Answers that say nothing about what serves them. Express' defaults name
 * it: `X-Powered-By: Express` on every response, its weak ETag format
 * (`W/"<length>-<hash>"`) on every `res.send`/`res.json`, and an HTML page
 * "Cannot GET /x" (finalhandler) for every unknown route, or the error's
 * message (a stack outside production) for a thrown one.
 */

/** The body of every 404, Colyseus' hidden routes included (colyseus/httpServerGate.ts). */
export const NOT_FOUND_BODY = JSON.stringify({ error: "not_found" });
/** The body of a request refused as malformed (here and HTTP_REDIRECT_PORT's server/tls/redirectServer.ts). */
export const BAD_REQUEST_BODY = JSON.stringify({ error: "bad_request" });

/** First thing on the app: no `X-Powered-By`, no ETag on API answers (express.static keeps its own). */
export function hideFramework(app: Application): void {
  app.disable("x-powered-by");
  app.set("etag", false);
}

/**
 * Last thing on the app: a JSON 404 for every route nobody served, and a JSON
 * error answer for anything a handler or middleware passed on: a 4xx keeps its
 * status (a malformed URI, a body parser's refusal) as `bad_request`; anything
 * else is a fault of ours, answered 500 `internal_error` and logged at error
 * level with its stack, which never reaches the client.
 *
 * Also makes Colyseus see a root route, so it does not add its own `GET /`
 * (which answers "Colyseus <version>" when the app has none; pinned in
 * test/wall/http.test.ts).
 */
export function mountPlainFallbacks(app: Application, logger: Logger | undefined): void {
  app.use((_req: Request, res: Response) => {
    res.status(404).type("application/json").send(NOT_FOUND_BODY);
  });
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: status === 413 ? "too_large" : "bad_request" });
      return;
    }
    logger?.error({ err: error, method: req.method }, "http handler threw");
    res.status(500).json({ error: "internal_error" });
  });
}

function statusOf(error: unknown): number {
  if (typeof error !== "object" || error === null) return 500;
  const status = "status" in error ? error.status : "statusCode" in error ? error.statusCode : undefined;
  return typeof status === "number" && Number.isInteger(status) ? status : 500;
}
