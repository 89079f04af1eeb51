/**
 * A day's copy in an object-storage lake: converted locally into the staging folder (the same
 * conversion and checks as a local lake), made one Parquet file, and uploaded as the day's one
 * object with its record as metadata (store.ts). The first use of a lake in a process aborts the
 * multipart uploads that killed runs left (those no live local writer holds the lock of); the
 * day's own leftovers are aborted again once its lock is held.
 */
import * as fs from "node:fs";
import pl from "nodejs-polars";
import type { Dataset } from "../../datasets";
import { FORMAT, convertAsync, waitFor, type AsyncOptions } from "../copy";
import type { Warn } from "../header";
import { type Place, keyIsLocked, stagingFor, sweep, tryLock, unlock } from "../lake";
import { type DayRecord, abortLeftovers, ensureBucket, lakeClient, putDay, readRecord } from "./store";
import { keyOf, urlOf } from "./target";

/** The one object of a day in an object-storage lake. */
export const DAY_OBJECT = "part-00000.parquet";

const ready = new Set<string>();

export async function ensureOnS3(
  file: string,
  d: Dataset,
  st: fs.Stats,
  place: Place,
  warn: Warn,
  options: AsyncOptions & { partBytes?: number },
): Promise<string> {
  const l = place.s3!;
  const { signal } = options;
  const c = lakeClient(l);
  const rel = `${place.rel}/${DAY_OBJECT}`;
  const wanted: Omit<DayRecord, "rows"> = { format: FORMAT, source: place.rel, size: st.size, dataset: d.id };
  const current = (r: DayRecord | null) =>
    !options.rebuild &&
    r !== null &&
    r.format === wanted.format &&
    r.size === wanted.size &&
    r.dataset === wanted.dataset &&
    r.source === wanted.source;
  try {
    const url = urlOf(l);
    if (!ready.has(url)) {
      await ensureBucket(c, l);
      sweep(place);
      await abortLeftovers(c, l, "", (key) => keyIsLocked(place.local, l, key));
      ready.add(url);
    }
    if (current(await readRecord(c, l, rel))) return place.dir;
    let lock = tryLock(place);
    while (lock === "held") {
      await waitFor(200, signal);
      if (current(await readRecord(c, l, rel))) return place.dir;
      lock = tryLock(place);
    }
    const tmp = stagingFor(place);
    const merged = `${stagingFor(place)}.parquet`;
    try {
      if (current(await readRecord(c, l, rel))) return place.dir;
      await abortLeftovers(c, l, rel, () => false);
      const made = await convertAsync(file, d, st, warn, options, tmp);
      const parts = fs
        .readdirSync(tmp)
        .filter((f) => /^part-\d{5}\.parquet$/.test(f))
        .sort();
      let one = `${tmp}/${parts[0]}`;
      if (parts.length > 1) {
        // One object per day, so a listing shows all of it or none: the parts become one file
        // (streamed, the row groups as they were written).
        await pl
          .scanParquet(`${tmp}/*.parquet`)
          .sinkParquet(merged, { compression: "zstd", compressionLevel: 3 })
          .collect();
        one = merged;
      }
      signal?.throwIfAborted();
      await putDay(c, l, one, rel, { ...wanted, rows: made.rows }, signal, options.partBytes);
      return place.dir;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(merged, { force: true });
      unlock(place);
    }
  } finally {
    c.destroy();
  }
}

/** The object key of a day's object (for tests and tools). */
export function dayKey(place: Place): string {
  return keyOf(place.s3!, `${place.rel}/${DAY_OBJECT}`);
}
