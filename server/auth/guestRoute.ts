import { randomInt } from "node:crypto";
import express, { type Application, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { Role, generatedName, sanitizeName, type GuestTokenResponse } from "../../shared/index.ts";
import type { Logger } from "../logger.ts";
import { TokenService } from "./TokenService.ts";

const GuestBody = z.object({ name: z.string().max(256).optional() }).strict();

/**
 * POST /auth/guest { name } → an access token and a renewal token.
 *
 * `Authorization: Bearer <renewToken>` (valid, unexpired) keeps the same
 * player id, so renewing does not make a new person of a returning guest,
 * and the answer carries a fresh renewal token. Anything else as Bearer (an
 * access token, valid or expired, a foreign or expired renewal token) just
 * means a new identity: access tokens travel in WebSocket URLs and may be
 * logged by a proxy, so one must not be a key to somebody's player id (and
 * to their whispers in the chat replay, which is keyed by it). The role is
 * always "player": elevated tokens come only from `npm run token`.
 */
export function mountGuestAuth(app: Application, tokens: TokenService, logger: Logger | undefined): void {
  app.post("/auth/guest", express.json({ limit: "2kb", strict: true }), async (req: Request, res: Response) => {
    const body = GuestBody.safeParse(req.body ?? {});
    if (!body.success) {
      res.status(400).json({ error: "invalid_body", message: "expected { name?: string }" });
      return;
    }
    const name = sanitizeName(body.data.name) || generatedName(() => randomInt(0x10000) / 0x10000);
    const renewed = await renewedPlayerId(req, tokens);
    const playerId = renewed ?? TokenService.newPlayerId();
    const { token, expiresAt } = await tokens.issue({ playerId, name, role: Role.Player });
    const { renewToken } = await tokens.issueRenewal(playerId);
    logger?.debug({ playerId, renewed: renewed !== undefined }, "guest token issued");
    const answer: GuestTokenResponse = { token, renewToken, playerId, name, role: Role.Player, expiresAt };
    res.json(answer);
  });
  // express.json() reports malformed JSON and oversize bodies as errors: answer them as JSON.
  app.use("/auth", (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = typeof error === "object" && error !== null && "status" in error ? Number(error.status) : 500;
    res
      .status(status >= 400 && status < 500 ? status : 500)
      .json({ error: status === 413 ? "too_large" : "invalid_body" });
  });
}

/** The player id of a valid renewal token sent as Bearer, if any. */
async function renewedPlayerId(req: Request, tokens: TokenService): Promise<string | undefined> {
  const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (bearer === undefined) return undefined;
  try {
    return await tokens.verifyRenewal(bearer);
  } catch {
    return undefined; // not a renewal token of ours, or expired: a new identity
  }
}
