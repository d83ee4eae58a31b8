import { describe, expect, it } from "vitest";
import { fitWorld, toScreen, toWorld } from "../../client/render/viewport.ts";

describe("fitWorld", () => {
  it("fills a canvas of the same aspect ratio", () => {
    expect(fitWorld(800, 450, 1600, 900)).toEqual({ scale: 0.5, offsetX: 0, offsetY: 0 });
  });

  it("letterboxes a tall (phone) canvas and centres the world", () => {
    const view = fitWorld(390, 844, 1600, 900);
    expect(view.scale).toBeCloseTo(390 / 1600);
    expect(view.offsetX).toBe(0);
    expect(view.offsetY).toBeCloseTo((844 - 900 * (390 / 1600)) / 2);
  });

  it("round-trips between world and screen", () => {
    const view = fitWorld(1000, 1000, 1600, 900);
    const screen = toScreen(view, 123, 456);
    const world = toWorld(view, screen.x, screen.y);
    expect(world.x).toBeCloseTo(123);
    expect(world.y).toBeCloseTo(456);
  });

  it("keeps margins free", () => {
    const view = fitWorld(1600 + 20, 900 + 60, 1600, 900, { top: 50, right: 10, bottom: 10, left: 10 });
    expect(view).toEqual({ scale: 1, offsetX: 10, offsetY: 50 });
  });

  it("never yields a negative scale", () => {
    expect(fitWorld(0, 0, 1600, 900).scale).toBe(0);
  });
});
