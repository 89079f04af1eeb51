/**
 * One translator for local file errors: what the file system said (an errno such as ENOTDIR or
 * ENOSPC, from Node or, as text, from polars' Rust side) turned into a KitError that names the
 * path, says what is wrong in words and what to do. A local file error is never the service's:
 * `aws/explain.ts` hands these here instead of labelling them `aws.*`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { KitError } from "./errors";

export interface FileErrorContext {
  /** What the kit was doing, for the message: "making the Parquet copy of <file>". */
  action?: string;
  /** The path concerned when the error names none (polars' errors do not); a system call's own path wins. */
  path?: string;
  /** Where the caller chooses another place, for the advice: "FLATFILES_CACHE_DIR (or cacheDir)". */
  setting?: string;
}

/** Each errno the kit meets on local files: the KitError code, what it means, and what to do. */
const KINDS: Record<
  string,
  { code: string; what: (p: string) => string; todo: (setting: string) => string }
> = {
  ENOENT: {
    code: "file.missing",
    what: (p) => `${p} does not exist (or a folder on its way does not)`,
    todo: (s) => `Check the path, create the folder, or choose another one${s}.`,
  },
  ENOTDIR: {
    code: "file.not-a-folder",
    what: (p) => `${p} goes through a file where a folder is needed`,
    todo: (s) => `Move that file away, or choose another folder${s}.`,
  },
  EISDIR: {
    code: "file.is-a-folder",
    what: (p) => `${p} is a folder where a file is needed`,
    todo: (s) => `Move the folder away, or choose another place${s}.`,
  },
  EEXIST: {
    code: "file.exists",
    what: (p) => `${p} already exists`,
    todo: (s) => `Move it away (the kit does not delete what it did not make), or choose another place${s}.`,
  },
  ENOTEMPTY: {
    code: "file.not-empty",
    what: (p) => `${p} is a folder that is not empty`,
    todo: (s) => `Move its contents away, or choose another place${s}.`,
  },
  EACCES: {
    code: "file.permission",
    what: (p) => `${p} cannot be used: permission denied`,
    todo: (s) =>
      `Give your user access to it (ls -l shows the owner and mode), or choose a folder you own${s}.`,
  },
  EPERM: {
    code: "file.permission",
    what: (p) => `${p} cannot be changed: the operation is not permitted`,
    todo: (s) => `Check the file's owner and flags (immutable, in use), or choose a folder you own${s}.`,
  },
  EROFS: {
    code: "file.read-only",
    what: (p) => `${p} is on a read-only file system`,
    todo: (s) => `Choose a folder on a writable disk${s}.`,
  },
  ENOSPC: {
    code: "file.disk-full",
    what: (p) => `The disk holding ${p} is full`,
    todo: (s) => `Free some space, or choose a folder on another disk${s}, then run again.`,
  },
  EDQUOT: {
    code: "file.disk-full",
    what: (p) => `Your disk quota is used up where ${p} lives`,
    todo: (s) => `Free some space, or choose a folder on another disk${s}, then run again.`,
  },
  ENAMETOOLONG: {
    code: "file.name-too-long",
    what: (p) => `${p} is longer than the file system allows`,
    todo: (s) => `Choose a folder with a shorter path${s}.`,
  },
  ELOOP: {
    code: "file.link-loop",
    what: (p) => `${p} goes through symbolic links that point at each other`,
    todo: (s) => `Fix or remove the links, or choose another folder${s}.`,
  },
  EMFILE: {
    code: "file.too-many-open",
    what: () => "This process has too many files open",
    todo: () => "Raise the limit (ulimit -n 4096) or lower the concurrency, then run again.",
  },
  ENFILE: {
    code: "file.too-many-open",
    what: () => "The system has too many files open",
    todo: () => "Close other programs or raise the system's limit, then run again.",
  },
  EBUSY: {
    code: "file.busy",
    what: (p) => `${p} is busy (in use by another program, or a mount point)`,
    todo: (s) => `Close the program using it, or choose another place${s}.`,
  },
  EXDEV: {
    code: "file.other-disk",
    what: (p) => `${p} cannot be moved across disks in one step`,
    todo: (s) => `Keep the folders on one disk${s}.`,
  },
  EIO: {
    code: "file.io",
    what: (p) => `The disk reported an input/output error on ${p}`,
    todo: () => "Check the disk (dmesg, fsck) and its connection, then run again.",
  },
};

/** Errno numbers as the Rust side (polars) prints them, "... (os error 28)", on Linux and macOS. */
const OS_ERRORS: Record<string, Record<number, string>> = {
  linux: {
    1: "EPERM",
    2: "ENOENT",
    5: "EIO",
    13: "EACCES",
    17: "EEXIST",
    20: "ENOTDIR",
    21: "EISDIR",
    24: "EMFILE",
    28: "ENOSPC",
    30: "EROFS",
    36: "ENAMETOOLONG",
    39: "ENOTEMPTY",
    40: "ELOOP",
    122: "EDQUOT",
  },
  darwin: {
    1: "EPERM",
    2: "ENOENT",
    5: "EIO",
    13: "EACCES",
    17: "EEXIST",
    20: "ENOTDIR",
    21: "EISDIR",
    24: "EMFILE",
    28: "ENOSPC",
    30: "EROFS",
    62: "ELOOP",
    63: "ENAMETOOLONG",
    66: "ENOTEMPTY",
    69: "EDQUOT",
  },
};

/** The same, by the words the OS prints (when the number is missing or the platform is another). */
const OS_WORDS: [RegExp, string][] = [
  [/No space left on device/i, "ENOSPC"],
  [/Disk quota exceeded/i, "EDQUOT"],
  [/Read-only file system/i, "EROFS"],
  [/Permission denied/i, "EACCES"],
  [/Operation not permitted/i, "EPERM"],
  [/Not a directory/i, "ENOTDIR"],
  [/Is a directory/i, "EISDIR"],
  [/No such file or directory/i, "ENOENT"],
  [/File name too long/i, "ENAMETOOLONG"],
  [/Too many open files/i, "EMFILE"],
  [/Too many levels of symbolic links/i, "ELOOP"],
  [/Directory not empty/i, "ENOTEMPTY"],
  [/File exists/i, "EEXIST"],
  [/Input\/output error/i, "EIO"],
];

/** Node's system calls on files (an error from `connect` or `getaddrinfo` is the network's). */
const FILE_CALLS = new Set([
  "access",
  "chmod",
  "chown",
  "close",
  "copyfile",
  "fchmod",
  "fchown",
  "fdatasync",
  "fstat",
  "fsync",
  "ftruncate",
  "futime",
  "link",
  "lstat",
  "lutime",
  "mkdir",
  "mkdtemp",
  "open",
  "opendir",
  "read",
  "readdir",
  "readlink",
  "realpath",
  "rename",
  "rm",
  "rmdir",
  "scandir",
  "stat",
  "statfs",
  "symlink",
  "unlink",
  "utime",
  "write",
  "cp",
  "lchown",
  "watch",
]);

type Errno = NodeJS.ErrnoException & { dest?: string };

/** The errno a file error stands for (Node's `code`, or the words of polars' message), else undefined. */
export function fileErrno(e: unknown, platform: NodeJS.Platform = process.platform): string | undefined {
  if (typeof e !== "object" || e === null || e instanceof KitError) return undefined;
  const err = e as Errno;
  if (typeof err.code === "string" && /^E[A-Z]+$/.test(err.code)) {
    // A path or a file system call says it is a local file; a socket's ECONNRESET on `read` has no path.
    if (
      typeof err.path === "string" ||
      (typeof err.syscall === "string" && FILE_CALLS.has(err.syscall) && err.code in KINDS)
    )
      return err.code;
    return undefined;
  }
  const text = typeof err.message === "string" ? err.message : "";
  const os = /\(os error (\d+)\)/.exec(text);
  if (os) {
    const byNumber = OS_ERRORS[platform]?.[Number(os[1])];
    if (byNumber) return byNumber;
  }
  // Only text that says it came from the OS: "(os error N)", or an errno name in it.
  if (
    os ||
    /\b(ENOSPC|EDQUOT|EROFS|EACCES|EPERM|ENOTDIR|EISDIR|ENOENT|ENAMETOOLONG|EMFILE|ELOOP|EIO)\b/.test(text)
  )
    return OS_WORDS.find(([re]) => re.test(text))?.[1] ?? /\b(E[A-Z]+)\b/.exec(text)?.[1];
  return undefined;
}

/** Whether an error is the local file system's (so never the service's or the network's). */
export function isLocalFileError(e: unknown): boolean {
  return fileErrno(e) !== undefined;
}

/** What stands at a path, in words ("a file", "a symbolic link to nothing"), or null when nothing does. */
function kindAt(p: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return null;
  }
  if (st.isSymbolicLink()) {
    try {
      fs.statSync(p);
      return "a symbolic link";
    } catch {
      return "a symbolic link to nothing";
    }
  }
  return st.isDirectory() ? "a folder" : st.isFile() ? "a file" : "a special file";
}

/**
 * What explains the error on the way to `p`: the path itself, or the nearest folder on its way
 * that is there but is no folder (a file, a dangling link): "my-notebooks is a symbolic link to
 * nothing" says more than "my-notebooks/01.ipynb does not exist".
 */
function whatIsAt(p: string): string {
  const own = kindAt(p);
  if (own) return ` (it is ${own})`;
  for (let dir = path.dirname(p); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const kind = kindAt(dir);
    if (kind === null) continue;
    return kind === "a folder" || kind === "a symbolic link" ? "" : ` (${dir} is ${kind})`;
  }
  return "";
}

/**
 * A local file error as one KitError naming the path and what to do. A KitError passes unchanged;
 * an error that is not a local file error is returned as it is (the caller's to explain).
 */
export function fileError(e: unknown, context: FileErrorContext = {}): unknown {
  if (e instanceof KitError) return e;
  const errno = fileErrno(e);
  if (errno === undefined) return e;
  const err = e as Errno;
  // The path the system call names is the precise one; the caller's is for errors that name none.
  const p = (typeof err.path === "string" ? err.path : undefined) ?? context.path ?? "a file";
  const kind = KINDS[errno];
  const setting = context.setting ? ` (${context.setting})` : "";
  const what = kind ? kind.what(p) : `${p}: the file system refused it (${errno})`;
  const seen = errno === "ENOENT" || errno === "EEXIST" || errno === "ENOTDIR" ? whatIsAt(p) : "";
  const todo = kind
    ? kind.todo(setting)
    : `Check the path and its permissions, or choose another place${setting}.`;
  const doing = context.action ? `While ${context.action}: ` : "";
  return new KitError(kind?.code ?? "file.error", `${doing}${what}${seen} [${errno}]. ${todo}`, { cause: e });
}

/**
 * `fn` with its local file errors translated: for an entry point whose file work reaches the
 * user (the lake, the scripts). Works for functions that return a value or a promise.
 */
// biome-ignore lint/suspicious/noExplicitAny: any function, its own parameters and result kept
export function withFileErrors<F extends (...args: any[]) => unknown>(
  fn: F,
  context: (...args: Parameters<F>) => FileErrorContext,
): F {
  const wrapped = (...args: Parameters<F>): ReturnType<F> => {
    let out: unknown;
    try {
      out = fn(...args);
    } catch (e) {
      throw fileError(e, context(...args));
    }
    if (out instanceof Promise)
      return out.catch((e) => Promise.reject(fileError(e, context(...args)))) as ReturnType<F>;
    return out as ReturnType<F>;
  };
  Object.defineProperty(wrapped, "name", { value: fn.name });
  return wrapped as F;
}
