import { describe, expect, it } from "vitest";
import { arenaLayout, EDGE, HUD_HEIGHT, STACK_ROOM } from "../../client/render/layout.ts";
import { chatPlaceholder } from "../../client/ui/chatFormat.ts";
import { fitWorld } from "../../client/render/viewport.ts";

const ARENA = { width: 1600, height: 900 };
const LAPTOP_HUD = { hudBottom: 32, joystick: 0 };

describe("arenaLayout", () => {
  it("a laptop keeps today's letterbox: 44 px for the HUD, 8 px of air", () => {
    for (const [w, h] of [
      [1280, 720],
      [1280, 800],
      [1920, 1080],
      [800, 600],
    ] as const) {
      expect(arenaLayout(w, h, ARENA, LAPTOP_HUD)).toEqual({
        layout: "letterbox",
        margins: { top: HUD_HEIGHT, right: EDGE, bottom: EDGE, left: EDGE },
      });
    }
  });

  it("a phone in portrait: the arena at the top, just under the HUD's real bottom, the width of the screen", () => {
    const { layout, margins } = arenaLayout(390, 844, ARENA, { hudBottom: 52, joystick: 160 });
    expect(layout).toBe("stacked");
    const view = fitWorld(390, 844, ARENA.width, ARENA.height, margins);
    expect(view.offsetY).toBeCloseTo(56);
    expect(view.offsetX).toBeCloseTo(EDGE);
    expect(view.scale).toBeCloseTo((390 - 2 * EDGE) / ARENA.width);
    // Everything below the arena is left to the chat and the joystick.
    expect(844 - (view.offsetY + ARENA.height * view.scale)).toBeGreaterThan(STACK_ROOM);
  });

  it("stacks only in portrait, and only with room to spare below", () => {
    // A tall laptop window is wider than high: letterboxed as today.
    expect(arenaLayout(1280, 1000, ARENA, LAPTOP_HUD).layout).toBe("letterbox");
    // Portrait, but nearly square: not enough room below the arena to be worth moving it.
    expect(arenaLayout(600, 610, ARENA, LAPTOP_HUD).layout).toBe("letterbox");
  });

  it("a phone in landscape moves the arena left of the joystick when that costs little", () => {
    const { layout, margins } = arenaLayout(844, 390, ARENA, { hudBottom: 52, joystick: 160 });
    expect(layout).toBe("aside");
    const view = fitWorld(844, 390, ARENA.width, ARENA.height, margins);
    expect(view.offsetX + ARENA.width * view.scale).toBeLessThanOrEqual(844 - 160);
    // A screen where the arena would shrink much more than 10 % keeps it centred over the stick.
    expect(arenaLayout(640, 390, ARENA, { hudBottom: 52, joystick: 160 }).layout).toBe("letterbox");
  });

  it("keeps the laptop HUD's 44 px at the top, or 4 px under a taller HUD", () => {
    expect(arenaLayout(1280, 720, ARENA, { hudBottom: 0, joystick: 0 }).margins.top).toBe(HUD_HEIGHT);
    expect(arenaLayout(1280, 720, ARENA, { hudBottom: 60, joystick: 0 }).margins.top).toBe(64);
  });
});

describe("chatPlaceholder", () => {
  it("is short on a touch screen or a narrow one, the full sentence on a laptop", () => {
    expect(chatPlaceholder({ touch: false, narrow: false })).toBe("Press Enter to chat, /help for commands");
    expect(chatPlaceholder({ touch: true, narrow: true })).toBe("Tap to chat · /help");
    expect(chatPlaceholder({ touch: false, narrow: true })).toBe("Enter to chat · /help");
  });
});
