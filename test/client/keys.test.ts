import { describe, expect, it } from "vitest";
import { directionFromKeys, isMovementKey, isTypingTarget } from "../../client/input/keys.ts";

describe("directionFromKeys", () => {
  it.each([
    [["KeyW"], { dx: 0, dy: -1 }],
    [["ArrowDown"], { dx: 0, dy: 1 }],
    [["KeyA", "KeyW"], { dx: -1, dy: -1 }],
    [["KeyD", "ArrowRight"], { dx: 1, dy: 0 }],
    [["KeyA", "KeyD"], { dx: 0, dy: 0 }],
    [["KeyQ", "Space"], { dx: 0, dy: 0 }],
    [[], { dx: 0, dy: 0 }],
  ])("%j → %j", (keys, expected) => {
    expect(directionFromKeys(new Set(keys))).toEqual(expected);
  });

  it("knows which keys move", () => {
    expect(["KeyW", "KeyA", "KeyS", "KeyD", "ArrowUp", "ArrowLeft"].every(isMovementKey)).toBe(true);
    expect(isMovementKey("Enter")).toBe(false);
  });

  it("treats text fields as typing targets, the canvas not", () => {
    expect(isTypingTarget({ tagName: "INPUT", isContentEditable: false } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "DIV", isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "CANVAS", isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
