/**
 * Whether a path can be created on the file system at all, checked before anything is written:
 * each name within the file system's limit (255 bytes of UTF-8 on Linux and macOS, 255 UTF-16
 * units on Windows), the whole path within the system's. A name the server chose (a key's last
 * part) and a path the user chose (the cache folder) are told apart, as the fixes differ.
 */
import { KitError } from "./errors";

export interface NameLimits {
  /** The longest name of one file or folder, in `unit`s. */
  name: number;
  /** The longest whole path, in `unit`s. */
  path: number;
  unit: "utf8-bytes" | "utf16-units";
}

/** The limits of the usual file systems of each platform (ext4, xfs, btrfs, APFS, NTFS). */
export const NAME_LIMITS: Partial<Record<NodeJS.Platform, NameLimits>> & { default: NameLimits } = {
  linux: { name: 255, path: 4095, unit: "utf8-bytes" },
  darwin: { name: 255, path: 1023, unit: "utf8-bytes" },
  win32: { name: 255, path: 32_766, unit: "utf16-units" },
  default: { name: 255, path: 1023, unit: "utf8-bytes" },
};

export interface NameCheck {
  /** The most the caller adds to the file's name for files beside it (the cache's `.meta.json.<pid>.tmp`). */
  reserve?: number;
  /** What those added endings are, for the message: "the cache's own files beside it". */
  reserveFor?: string;
  /** What the path is, for the message: "the cache's copy of <key>". */
  what: string;
  /** How many of the path's last names came from elsewhere (a key's parts), not from the user's folder. */
  fromElsewhere?: number;
  /** What to do when a name from elsewhere is too long. */
  nameAdvice: string;
  /** What to do when the whole path is too long: the user's folder is the part to shorten. */
  pathAdvice: string;
  platform?: NodeJS.Platform;
}

function sizeOf(text: string, unit: NameLimits["unit"]): number {
  return unit === "utf8-bytes" ? Buffer.byteLength(text, "utf8") : text.length;
}

const unitWord = (unit: NameLimits["unit"]) => (unit === "utf8-bytes" ? "bytes" : "characters");

/**
 * Throws `file.name-too-long` (a name) or `file.path-too-long` (the whole path) when `file`, its
 * name longer by `reserve`, cannot be created; the message says which name, its length and the limit.
 */
export function checkFileName(file: string, check: NameCheck): void {
  const platform = check.platform ?? process.platform;
  const limits = NAME_LIMITS[platform] ?? NAME_LIMITS.default;
  const sep = platform === "win32" ? /[\\/]/ : /\//;
  const names = file.split(sep).filter(Boolean);
  const reserve = check.reserve ?? 0;
  const plus = reserve
    ? ` once the ${reserve} ${unitWord(limits.unit)} of ${check.reserveFor ?? "its endings"} are added`
    : "";
  const unit = unitWord(limits.unit);
  names.forEach((name, i) => {
    const last = i === names.length - 1;
    const size = sizeOf(name, limits.unit) + (last ? reserve : 0);
    if (size <= limits.name) return;
    const elsewhere = i >= names.length - (check.fromElsewhere ?? 0);
    const shown = name.length > 60 ? `${name.slice(0, 40)}…${name.slice(-12)}` : name;
    throw new KitError(
      "file.name-too-long",
      `${check.what} cannot be stored: the name "${shown}" is ${size} ${unit}${last ? plus : ""}, and file systems hold names of at most ${limits.name}. ` +
        (elsewhere ? check.nameAdvice : check.pathAdvice),
    );
  });
  const total = sizeOf(file, limits.unit) + reserve;
  if (total > limits.path)
    throw new KitError(
      "file.path-too-long",
      `${check.what} cannot be stored: its path is ${total} ${unit}${plus}, and this system's paths hold at most ${limits.path}. ${check.pathAdvice}`,
    );
}
