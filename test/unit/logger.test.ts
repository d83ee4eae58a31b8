import { describe, expect, it } from "vitest";
import { colyseusLogger, toEntry } from "../../server/logger.ts";
import { captureLogs } from "../helpers/logs.ts";

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const WARN = 40;
const ERROR = 50;

function parsed(lines: string[]): Line[] {
  return lines.map((line) => JSON.parse(line) as Line);
}

describe("createLogger (what captureLogs builds too)", () => {
  it("redacts token, renewToken, authorization, reconnectionToken and secret keys, top level and one object down", () => {
    const logs = captureLogs("info");
    logs.logger.info(
      {
        token: "t-top",
        renewToken: "r-top",
        authorization: "Bearer a-top",
        reconnectionToken: "c-top",
        secret: "s-top",
        req: { token: "t-nested", authorization: "Bearer a-nested", reconnectionToken: "c-nested" },
        playerId: "p_kept",
      },
      "something with tokens",
    );
    const [line] = parsed(logs.lines);
    expect(line).toMatchObject({
      token: "[redacted]",
      renewToken: "[redacted]",
      authorization: "[redacted]",
      reconnectionToken: "[redacted]",
      secret: "[redacted]",
      req: { token: "[redacted]", authorization: "[redacted]", reconnectionToken: "[redacted]" },
      playerId: "p_kept",
    });
    for (const value of ["t-top", "r-top", "a-top", "c-top", "s-top", "t-nested", "a-nested", "c-nested"]) {
      expect(logs.lines.join("\n")).not.toContain(value);
    }
  });
});

describe("Colyseus logger", () => {
  it("passes an Error through as err, with its stack and type", () => {
    const logs = captureLogs("debug");
    const logger = colyseusLogger(logs.logger);
    const error = new TypeError("bad frame");
    logger.error("while decoding:", error);
    const [line] = parsed(logs.lines);
    expect(line?.msg).toBe("while decoding:");
    expect(line?.err).toMatchObject({ type: "TypeError", message: "bad frame" });
    expect((line?.err as { stack: string }).stack).toContain("logger.test.ts");
  });

  it("names an error line without text after its error", () => {
    const logs = captureLogs("debug");
    colyseusLogger(logs.logger).error(new Error("alone"));
    expect(parsed(logs.lines)[0]?.msg).toBe("alone");
  });

  it("keeps object arguments as fields, so their token keys are redacted", () => {
    const logs = captureLogs("debug");
    colyseusLogger(logs.logger).debug("state =>", { token: "leak", x: 1 });
    const [line] = parsed(logs.lines);
    expect(line).toMatchObject({ msg: "state =>", data: { token: "[redacted]", x: 1 } });
    expect(logs.lines.join("\n")).not.toContain("leak");
  });

  it("joins strings and numbers into the message, as the console would", () => {
    expect(toEntry(["✅", 3, "room(s) restored"])).toEqual([{}, "✅ 3 room(s) restored"]);
    const [fields] = toEntry([{ a: 1 }, { b: 2 }]);
    expect(fields).toEqual({ data: [{ a: 1 }, { b: 2 }] });
  });

  it("caps warn and error lines per second and reports what it dropped", () => {
    const logs = captureLogs("debug");
    let now = 0;
    const logger = colyseusLogger(logs.logger, 3, () => now);
    for (let i = 0; i < 10; i++) logger.error(`boom ${i}`);
    logger.info("info is not capped");
    expect(parsed(logs.lines).map((l) => [l.level, l.msg])).toEqual([
      [ERROR, "boom 0"],
      [ERROR, "boom 1"],
      [ERROR, "boom 2"],
      [30, "info is not capped"],
    ]);
    now += 1000;
    logger.error("later");
    expect(parsed(logs.lines.slice(4)).map((l) => [l.level, l.msg, l.suppressed])).toEqual([
      [WARN, "colyseus log lines suppressed (over the per-second cap)", 7],
      [ERROR, "later", undefined],
    ]);
  });
});
