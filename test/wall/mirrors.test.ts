import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every wall file names what it mirrors (`Mirrors: <package>@<version> <file> …`),
 * and the installed packages are the versions named: after an upgrade this
 * fails until each reach has been re-read against the new source and its
 * Mirrors line updated.
 */
const root = join(import.meta.dirname, "../..");
const wallDir = join(root, "colyseus");
const wallFiles = readdirSync(wallDir).filter((name) => name.endsWith(".ts"));

/** `@scope/name@1.2.3 path/in/package.ts` (the path is optional). */
const MIRROR = /(@?[a-z0-9][\w.-]*(?:\/[\w.-]+)?)@(\d+\.\d+\.\d+)(?:\s+([\w./-]+\.(?:ts|js|mjs)))?/g;

function mirrorsOf(file: string): Array<{ pkg: string; version: string; path: string | undefined }> {
  const lines = readFileSync(join(wallDir, file), "utf8")
    .split("\n")
    .filter((line) => /^\s*(\*|\/\/)?\s*Mirrors:/.test(line));
  return lines.flatMap((line) => {
    const named = [...line.matchAll(MIRROR)].map(([, pkg, version, path]) => ({ pkg: pkg!, version: version!, path }));
    if (named.length === 0) throw new Error(`${file}: a Mirrors line names no package@version: ${line.trim()}`);
    return named;
  });
}

function installedVersion(pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

describe("the wall's Mirrors lines", () => {
  it("finds the wall files", () => {
    expect(wallFiles.length).toBeGreaterThanOrEqual(10);
  });

  it.each(wallFiles)("%s names at least one package@version it mirrors", (file) => {
    expect(mirrorsOf(file).length).toBeGreaterThan(0);
  });

  it.each(wallFiles)("%s mirrors the installed versions, and the upstream files it names exist", (file) => {
    for (const { pkg, version, path } of mirrorsOf(file)) {
      expect(installedVersion(pkg), `${file}: ${pkg}`).toBe(version);
      if (path !== undefined) expect(existsSync(join(root, "node_modules", pkg, path)), `${pkg}/${path}`).toBe(true);
    }
  });
});
