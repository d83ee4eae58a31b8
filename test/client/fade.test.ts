import { describe, expect, it } from "vitest";
import type { RenderPlayer } from "../../client/net/session.ts";
import { FADE_MS, FadeTracker } from "../../client/render/fade.ts";

function player(sessionId: string, x = 0, self = false): RenderPlayer {
  return { sessionId, name: sessionId, hue: 0, x, y: 0, serverX: x, serverY: 0, self, role: "player", connected: true };
}

const alphas = (list: ReturnType<FadeTracker["update"]>) => Object.fromEntries(list.map((p) => [p.sessionId, p.alpha]));

describe("FadeTracker", () => {
  it("shows the players of the first frame (the initial state) at once", () => {
    const fades = new FadeTracker();
    expect(alphas(fades.update(0, [player("me", 0, true), player("a")]))).toEqual({ me: 1, a: 1 });
  });

  it("fades in a player the server starts sending, over FADE_MS", () => {
    const fades = new FadeTracker();
    fades.update(0, [player("me", 0, true)]);
    expect(alphas(fades.update(100, [player("me", 0, true), player("b")]))).toEqual({ me: 1 });
    expect(alphas(fades.update(100 + FADE_MS / 2, [player("me", 0, true), player("b")])).b).toBeCloseTo(0.5);
    expect(alphas(fades.update(100 + FADE_MS, [player("me", 0, true), player("b")])).b).toBe(1);
  });

  it("never fades the local player, even when it arrives after the first frame", () => {
    const fades = new FadeTracker();
    fades.update(0, []);
    expect(alphas(fades.update(16, [player("me", 0, true)]))).toEqual({ me: 1 });
  });

  it("keeps drawing a player the server stopped sending, where it was last, fading out, then forgets it", () => {
    const fades = new FadeTracker();
    fades.update(0, [player("a", 123)]);
    const leaving = fades.update(1000, []);
    expect(leaving).toMatchObject([{ sessionId: "a", x: 123, alpha: 1, leaving: true }]);
    expect(fades.update(1000 + FADE_MS / 4, [])[0]?.alpha).toBeCloseTo(0.75);
    expect(fades.update(1000 + FADE_MS, [])).toEqual([]);
    // Forgotten: back later, it fades in from nothing.
    expect(fades.update(5000, [player("a")])).toEqual([]);
  });

  it("a player back before its fade-out ended fades in again from where it had got to", () => {
    const fades = new FadeTracker();
    fades.update(0, [player("a")]);
    fades.update(1000, []);
    fades.update(1000 + FADE_MS / 2, []);
    const back = fades.update(1000 + FADE_MS / 2, [player("a")]);
    expect(back[0]?.alpha).toBeCloseTo(0.5);
    expect(back[0]?.leaving).toBe(false);
    expect(fades.update(1000 + FADE_MS, [player("a")])[0]?.alpha).toBe(1);
  });
});
