/**
 * The flat-files catalog against a live bucket: what it holds, which dates a dataset has between
 * two dates (listing only the months in range, not the whole dataset), and which key a
 * (dataset, date) pair means, with a clear message for dates that can have no file.
 */
import type { S3Client, _Object } from "@aws-sdk/client-s3";
import { KitError } from "../util/errors";
import { getPaginator } from "../paginator/engine";
import { mapOrdered } from "../paginator/fanout";
import { closedReason, formatDate, nextOpenDay, parseDate, todayInNewYork } from "./calendar";
import { type Dataset, assetOf, findDataset, keyFor, parseKey } from "./datasets";

export interface BucketRef {
  client: S3Client;
  bucket: string;
}

/** Asset classes and their datasets as the bucket actually lists them (two Delimiter levels). */
export async function discoverDatasets({ client, bucket }: BucketRef): Promise<{ asset: string; datasets: string[] }[]> {
  const paginator = getPaginator(client, "list_objects_v2");
  const folders = async (prefix: string) => {
    const r = await paginator.paginate({ Bucket: bucket, Prefix: prefix, Delimiter: "/" }).buildFullResult();
    return ((r.CommonPrefixes ?? []) as { Prefix: string }[]).map((p) => p.Prefix);
  };
  const assets = await folders("");
  const out: { asset: string; datasets: string[] }[] = [];
  for await (const datasets of mapOrdered(assets, 8, folders)) {
    const asset = assets[out.length];
    out.push({ asset: asset.replace(/\/$/, ""), datasets: datasets.map((d) => d.slice(asset.length).replace(/\/$/, "")) });
  }
  return out;
}

/** The months (`YYYY/MM`) that a date range touches. */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const [ey, em] = [Number(to.slice(0, 4)), Number(to.slice(5, 7))];
  while (y < ey || (y === ey && m <= em)) {
    out.push(`${y}/${String(m).padStart(2, "0")}`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

export interface DayFile {
  dataset: string;
  date: string;
  key: string;
  size: number;
  etag: string;
}

/**
 * The files a dataset has between two dates (both included), found by listing only the
 * month prefixes in range, side by side.
 */
export async function listDays({ client, bucket }: BucketRef, dataset: string | Dataset, from: string, to: string): Promise<DayFile[]> {
  const d = typeof dataset === "string" ? findDataset(dataset) : dataset;
  const [a, b] = [formatDate(parseDate(from)), formatDate(parseDate(to))];
  if (a > b) throw new KitError("catalog.range", `The range ${a} → ${b} is backwards: the first date must not be after the second.`);
  const paginator = getPaginator(client, "list_objects_v2");
  const out: DayFile[] = [];
  const months = monthsBetween(a, b);
  const listMonth = (m: string) => paginator.paginate({ Bucket: bucket, Prefix: `${d.id}/${m}/` }).items<_Object>().toArray();
  for await (const objects of mapOrdered(months, 8, listMonth)) {
    for (const o of objects) {
      const parsed = parseKey(o.Key!);
      if (parsed && parsed.date >= a && parsed.date <= b) {
        out.push({ dataset: d.id, date: parsed.date, key: o.Key!, size: o.Size ?? 0, etag: (o.ETag ?? "").replace(/"/g, "") });
      }
    }
  }
  return out;
}

/**
 * The key of one day's file, or a KitError that says why that day can have none: malformed,
 * in the future, before the dataset begins, a weekend or a holiday (with the nearest open days).
 */
export function dayKey(dataset: string | Dataset, date: string, today: string = todayInNewYork()): string {
  const d = typeof dataset === "string" ? findDataset(dataset) : dataset;
  let day: string;
  try {
    day = formatDate(parseDate(date));
  } catch (e) {
    throw new KitError("catalog.date", (e as Error).message);
  }
  if (day >= today) {
    throw new KitError(
      "catalog.future",
      `${day} has no file yet: a day's file appears around 11:00 New York time on the next day, and today in New York is ${today}.`,
    );
  }
  if (day < d.since) throw new KitError("catalog.before", `${d.id} starts on ${d.since}; ${day} is before it.`);
  const calendar = assetOf(d).calendar;
  const closed = closedReason(day, calendar);
  if (closed) {
    const before = nextOpenDay(day, calendar, -1);
    const after = nextOpenDay(day, calendar, 1);
    throw new KitError(
      "catalog.closed",
      `${day} is ${closed}: ${d.id} has no file for it. The nearest days with files are ${before} and ${after < today ? after : "(none yet)"}.`,
    );
  }
  return keyFor(d, day);
}
