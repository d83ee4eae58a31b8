import { randomInt } from "node:crypto";
import express, { type Application, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { Role, generatedName, sanitizeName, type GuestTokenResponse } from "../../shared/index.ts";
import type { Logger } from "../logger.ts";
import { TokenService } from "./TokenService.ts";

const GuestBody = z.object({ name: z.string().max(256).optional() }).strict();

/**
 * POST /auth/guest { name } → a signed player token. Sending a previous token
 * (even an expired one) as `Authorization: Bearer …` keeps the same player id,
 * so renewing does not make a new person of a returning guest. The role is
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
    const playerId = (await previousPlayerId(req, tokens)) ?? TokenService.newPlayerId();
    const { token, expiresAt } = await tokens.issue({ playerId, name, role: Role.Player });
    logger?.debug({ playerId }, "guest token issued");
    const answer: GuestTokenResponse = { token, playerId, name, role: Role.Player, expiresAt };
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

async function previousPlayerId(req: Request, tokens: TokenService): Promise<string | undefined> {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ") !== true) return undefined;
  try {
    return (await tokens.verifyForRenewal(header.slice("Bearer ".length))).playerId;
  } catch {
    return undefined; // a bad old token just means a new identity
  }
}
