import { describe, expect, it } from "vitest";
import { EDGE_PAD, MIN_SCALE, VIEW_SPAN_RADII, followCamera, worldScale } from "../../client/render/camera.ts";
import { toScreen } from "../../client/render/viewport.ts";

const MAP = { width: 4000, height: 4000 };
const NONE = { top: 0, right: 0, bottom: 0, left: 0 };

describe("worldScale", () => {
  it("makes the shorter side span VIEW_SPAN_RADII view radii", () => {
    expect(worldScale(1280, 800, 400, 1)).toBeCloseTo(800 / (VIEW_SPAN_RADII * 400));
  });

  it("keeps discs visible on a narrow screen (at least MIN_SCALE per device pixel)", () => {
    expect(worldScale(390, 844, 400, 1)).toBe(MIN_SCALE);
    expect(worldScale(390 * 3, 844 * 3, 400, 3)).toBe(MIN_SCALE * 3);
  });
});

describe("followCamera", () => {
  it("centres the focus in the framed area", () => {
    const view = followCamera(1000, 600, MAP, { x: 2000, y: 1500 }, 0.5, NONE);
    expect(toScreen(view, 2000, 1500)).toEqual({ x: 500, y: 300 });
  });

  it("centres within the margins (the HUD row stays clear)", () => {
    const view = followCamera(1000, 644, MAP, { x: 2000, y: 1500 }, 0.5, { top: 44, right: 0, bottom: 0, left: 0 });
    expect(toScreen(view, 2000, 1500)).toEqual({ x: 500, y: 344 });
  });

  it("stops at the map's edges (plus EDGE_PAD, room for a name): the focus still on screen", () => {
    const nearCorner = followCamera(1000, 600, MAP, { x: 50, y: 3990 }, 0.5, NONE);
    expect(toScreen(nearCorner, 0, 0).x).toBe(EDGE_PAD * 0.5);
    expect(toScreen(nearCorner, 0, 4000).y).toBe(600 - EDGE_PAD * 0.5);
    const focus = toScreen(nearCorner, 50, 3990);
    expect(focus.x).toBeGreaterThanOrEqual(0);
    expect(focus.y).toBeLessThanOrEqual(600);
  });

  it("centres a map narrower than the canvas on that axis", () => {
    const view = followCamera(1000, 600, { width: 1000, height: 4000 }, { x: 900, y: 2000 }, 0.5, NONE);
    expect(view.offsetX).toBe(250);
  });
});
