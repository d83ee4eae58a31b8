import { describe, expect, it } from "vitest";
import { placeLabel } from "../../client/render/labels.ts";

const area = { width: 1000, height: 600, top: 44, pad: 4 };
const size = { width: 180, height: 14 };

describe("placeLabel", () => {
  it("centres a name above its disc in the open", () => {
    expect(placeLabel(500, 300, 12, size, area)).toEqual({ left: 410, top: 300 - 12 - 4 - 14, width: 180, height: 14 });
  });

  it("slides a name against the left or right edge instead of cutting it", () => {
    expect(placeLabel(20, 300, 12, size, area).left).toBe(4);
    expect(placeLabel(990, 300, 12, size, area).left).toBe(1000 - 4 - 180);
  });

  it("puts the name below a disc whose label would reach into the HUD row", () => {
    const label = placeLabel(500, 60, 12, size, area);
    expect(label.top).toBe(60 + 12 + 4);
  });

  it("keeps it above at the bottom wall, and at the left pad when wider than the canvas", () => {
    expect(placeLabel(500, 590, 12, size, area).top).toBe(590 - 12 - 4 - 14);
    expect(placeLabel(100, 300, 12, { width: 2000, height: 14 }, area).left).toBe(4);
  });
});
