/**
 * Listing a large prefix faster: S3 continuation tokens force one request after another, but
 * the sub-prefixes a `Delimiter` listing reveals (a dataset's years, then months) can be listed
 * side by side. Results come out in exactly the order of a sequential listing.
 */
import type { _Object } from "@aws-sdk/client-s3";
import { type PaginateOptions, getPaginator } from "./engine";
import { AsyncStream } from "./stream";
import { mapOrdered } from "../util/concurrency";
import { wholeNumber } from "../util/validate";

export interface FanOutInput {
  Bucket: string;
  Prefix?: string;
  /** How the key space splits into "folders" (default "/"). */
  Delimiter?: string;
  /** Folder levels to split into before listing: 1 = years of a dataset, 2 = months. */
  depth?: number;
  /** Listings in flight at once (default 8). */
  concurrency?: number;
  /** Keys per request for the sub-prefix listings (MaxKeys). */
  pageSize?: number;
}

type Segment = { key: string; object?: _Object; prefix?: string };

/**
 * Every object under `Prefix`, like a sequential ListObjectsV2 paginator, but fetched by
 * listing the sub-prefixes concurrently. `options.onRequest` sees every request made.
 */
export function listObjectsFanOut(
  client: unknown,
  input: FanOutInput,
  options: PaginateOptions = {},
): AsyncStream<_Object> {
  const { Bucket, Prefix = "", Delimiter = "/", pageSize } = input;
  const depth = wholeNumber("depth", input.depth ?? 1, 1, 8);
  const concurrency = wholeNumber("concurrency", input.concurrency ?? 8, 1, 64);
  if (pageSize !== undefined) wholeNumber("pageSize", pageSize, 1, 1000);
  const paginator = getPaginator(client, "ListObjectsV2");
  const config = pageSize ? { PageSize: pageSize } : {};

  /** One prefix split into its direct keys and its sub-prefixes, in key order. */
  async function split(prefix: string): Promise<Segment[]> {
    const segments: Segment[] = [];
    await paginator
      .paginate({ Bucket, Prefix: prefix, Delimiter, PaginationConfig: config }, options)
      .forEach((page) => {
        for (const o of (page.Contents as _Object[] | undefined) ?? [])
          segments.push({ key: o.Key!, object: o });
        for (const p of (page.CommonPrefixes as { Prefix: string }[] | undefined) ?? [])
          segments.push({ key: p.Prefix, prefix: p.Prefix });
      });
    return segments;
  }

  async function plan(): Promise<Segment[]> {
    let segments = await split(Prefix);
    for (let level = 1; level < depth; level++) {
      const expanded: Segment[] = [];
      for await (const parts of mapOrdered(segments, concurrency, (s) =>
        s.prefix ? split(s.prefix) : Promise.resolve([s]),
      )) {
        expanded.push(...parts);
      }
      segments = expanded;
    }
    // Keys and prefixes sort together: a sub-prefix's keys all start with it, so the order of the
    // segments is the order a sequential listing returns, S3's order: by UTF-8 bytes. (JavaScript
    // compares UTF-16 code units, which puts an emoji before U+E000-U+FFFF; UTF-8 puts it after.)
    const bytes = new Map(segments.map((s) => [s, Buffer.from(s.key, "utf8")]));
    return segments.sort((a, b) => Buffer.compare(bytes.get(a)!, bytes.get(b)!));
  }

  return new AsyncStream(async function* () {
    const segments = await plan();
    const listSegment = async (s: Segment): Promise<_Object[]> =>
      s.object
        ? [s.object]
        : paginator
            .paginate({ Bucket, Prefix: s.prefix, PaginationConfig: config }, options)
            .items<_Object>()
            .toArray();
    for await (const objects of mapOrdered(segments, concurrency, listSegment)) yield* objects;
  });
}
