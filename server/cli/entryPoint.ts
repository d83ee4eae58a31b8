import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Whether the module at `moduleUrl` (its `import.meta.url`) is the script
 * Node was asked to run. Comparing `import.meta.url` with
 * `file://${process.argv[1]}` fails silently, and the command then does
 * nothing and exits 0, whenever the two spell the same file differently: a
 * space in the path (`%20` in the URL, a space in argv), or a symlink (Node
 * resolves the main module's symlinks for `import.meta.url`, argv keeps the
 * link). Both sides are resolved to their real paths here instead.
 */
export function isEntryPoint(moduleUrl: string, scriptPath: string | undefined = process.argv[1]): boolean {
  if (scriptPath === undefined) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(resolve(scriptPath));
  } catch {
    // A path that does not exist (argv[1] of `node -e`, a deleted file) is not this module.
    return false;
  }
}
