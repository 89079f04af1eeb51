import * as os from "node:os";
import * as path from "node:path";

/** The kit's own folder (holding package.json), from src/ under tsx or dist/ once built. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/** Where a running sandbox describes itself (endpoint, throwaway keys, pid). */
export function sandboxStateFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLATFILES_SANDBOX_STATE || path.join(PACKAGE_ROOT, ".sandbox", "state.json");
}

/**
 * A path as the kit shows it in messages and notebook outputs: relative to the project when
 * inside it, with `~` for the home folder otherwise, so saved outputs hold no machine's layout.
 */
export function displayPath(p: string): string {
  const rel = path.relative(PACKAGE_ROOT, p);
  if (rel && !rel.startsWith("..") && !path.isAbsolute(rel)) return rel;
  const home = os.homedir();
  return p === home || p.startsWith(home + path.sep) ? `~${p.slice(home.length)}` : p;
}

/** Per-user cache, shared by every clone, so generated data and downloads survive a new checkout. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "flatfiles-kit");
}
