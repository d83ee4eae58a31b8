import { describe, expect, it } from "vitest";
import { cpuComparison } from "../../bench/report.ts";

describe("the bench's CPU comparison", () => {
  it("says 'less' when Tickwire uses less CPU than the baseline and 'more' when it uses more", () => {
    expect(cpuComparison(10, 20)).toBe("2.00× less");
    expect(cpuComparison(46.4, 27.1)).toBe("1.71× more");
    expect(cpuComparison(5, 5)).toBe("1.00× less");
  });
});
