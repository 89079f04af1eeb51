/** `flatfiles config`: which endpoint and key source are in use (never the secret). */
import { safeLines } from "../output";
import type { Io } from "../session";

export async function config(_args: string[], _values: unknown, io: Io): Promise<void> {
  const { describeConfig, loadConfig } = await import("../../config/env");
  io.out(safeLines(describeConfig(loadConfig())));
}
