import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The kit's own folder (holding package.json), from src/ under tsx or dist/ once built. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Whether `root` is the kit's own source checkout (its scripts are there, and it is not inside a
 * `node_modules` folder), as opposed to the kit installed as a dependency, where its folder
 * belongs to npm and nothing should be written into it.
 */
export function isSourceCheckout(root: string = PACKAGE_ROOT): boolean {
  if (path.resolve(root).split(path.sep).includes("node_modules")) return false;
  return fs.existsSync(path.join(root, "scripts", "sandbox.ts"));
}

/**
 * Per-user state (files that describe something running, not a cache to be deleted at will):
 * `$XDG_STATE_HOME/flatfiles-kit`, default `~/.local/state/flatfiles-kit`.
 */
export function userStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state");
  return path.join(base, "flatfiles-kit");
}

/**
 * Where a running sandbox describes itself (endpoint, throwaway keys, pid): FLATFILES_SANDBOX_STATE
 * when set; in the kit's own checkout `.sandbox/state.json` there (the repository's scripts and
 * notebooks share it); installed as a dependency, `<user state>/sandbox-state.json`, never a
 * file inside `node_modules`.
 */
export function sandboxStateFile(env: NodeJS.ProcessEnv = process.env, root: string = PACKAGE_ROOT): string {
  if (env.FLATFILES_SANDBOX_STATE) return env.FLATFILES_SANDBOX_STATE;
  return isSourceCheckout(root)
    ? path.join(root, ".sandbox", "state.json")
    : path.join(userStateDir(env), "sandbox-state.json");
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

/**
 * The package.json of an installed package as Node would find it from `bases` (folders to resolve
 * from, default: the kit's own folder, then the working folder), wherever npm placed it (hoisted,
 * nested, a workspace): never assumes `<kit>/node_modules/<name>`. Packages whose `exports` hide
 * `package.json` are found by walking up from their resolved entry point, then by looking in each
 * `node_modules` folder above the bases (ESM-only packages that `require` cannot resolve).
 */
export function findPackageJson(
  name: string,
  bases: readonly string[] = [__dirname, process.cwd()],
): string | null {
  const paths = [...bases];
  try {
    return require.resolve(`${name}/package.json`, { paths });
  } catch {
    /* hidden by "exports", or not installed */
  }
  try {
    const entry = require.resolve(name, { paths });
    for (let dir = path.dirname(entry); ; dir = path.dirname(dir)) {
      const file = path.join(dir, "package.json");
      if (packageName(file) === name) return file;
      if (path.dirname(dir) === dir) break;
    }
  } catch {
    /* not resolvable by require */
  }
  for (const base of bases) {
    for (let dir = path.resolve(base); ; dir = path.dirname(dir)) {
      const file = path.join(dir, "node_modules", ...name.split("/"), "package.json");
      if (packageName(file) === name) return file;
      if (path.dirname(dir) === dir) break;
    }
  }
  return null;
}

function packageName(file: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string }).name ?? null;
  } catch {
    return null;
  }
}
