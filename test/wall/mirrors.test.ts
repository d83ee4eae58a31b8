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

/** `@scope/name@1.2.3`, then the files of that package it names until the next one (paths optional). */
const PACKAGE = /(@?[a-z0-9][\w.-]*(?:\/[\w.-]+)?)@(\d+\.\d+\.\d+)/g;
const UPSTREAM_FILE = /(?:^|[\s,])((?:src|lib|build)\/[\w./-]+\.(?:ts|js|mjs)|[\w-]+\.(?:js|mjs))(?=[\s,]|$)/g;

/** The text without its parenthesised notes (which quote upstream code, parentheses included). */
function withoutNotes(text: string): string {
  let depth = 0;
  let kept = "";
  for (const char of text) {
    if (char === "(") depth++;
    else if (char === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0) kept += char;
  }
  return kept;
}

function mirrorsOf(file: string): Array<{ pkg: string; version: string; path: string | undefined }> {
  const lines = readFileSync(join(wallDir, file), "utf8")
    .split("\n")
    .filter((line) => /^\s*(\*|\/\/)?\s*Mirrors:/.test(line));
  return lines.flatMap((line) => {
    const packages = [...line.matchAll(PACKAGE)];
    if (packages.length === 0) throw new Error(`${file}: a Mirrors line names no package@version: ${line.trim()}`);
    return packages.flatMap((match, i) => {
      const [, pkg, version] = match;
      const end = (match.index ?? 0) + match[0].length;
      const files = [...withoutNotes(line.slice(end, packages[i + 1]?.index ?? line.length)).matchAll(UPSTREAM_FILE)];
      const entry = (path: string | undefined) => ({ pkg: pkg!, version: version!, path });
      return files.length === 0 ? [entry(undefined)] : files.map(([, path]) => entry(path));
    });
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

  it("reads every upstream file a Mirrors line names, not only the first", () => {
    const paths = mirrorsOf("sdkFrameTap.ts").map(({ path }) => path);
    expect(paths).toEqual(["src/transport/WebSocketTransport.ts", "src/Room.ts"]);
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
