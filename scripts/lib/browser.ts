/** Debian's Chromium for the browser test: installed by set-up when missing (root with apt). */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

export const CHROMIUM = process.env.FLATFILES_CHROMIUM ?? "/usr/bin/chromium";

/** Flags for a headless Chromium on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function ensureChromium(log: (m: string) => void = console.log): void {
  if (fs.existsSync(CHROMIUM)) return;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0) {
    log("Chromium is missing: installing Debian's chromium for the browser test (one-time)...");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
    if (fs.existsSync(CHROMIUM)) return;
  }
  throw new Error(
    `The browser test needs Chromium at ${CHROMIUM}. Install it (Debian/Ubuntu: apt-get install chromium) ` +
      "or point FLATFILES_CHROMIUM at a Chromium or Chrome binary.",
  );
}
