/** `flatfiles ls [prefix]`: one level of the bucket, folders first. */
import { getPaginator } from "../../paginator/engine";
import type { Values } from "../args";
import { formatOf, shown } from "../args";
import { render } from "../output";
import { type Io, withSession } from "../session";

export async function ls(args: string[], values: Values, io: Io): Promise<void> {
  const format = formatOf(values);
  const prefix = args[0] ? args[0].replace(/\/?$/, "/") : "";
  await withSession(async (s) => {
    const r = await getPaginator(s.client, "list_objects_v2")
      .paginate({ Bucket: s.config.bucket, Prefix: prefix, Delimiter: "/" })
      .buildFullResult()
      .catch((e: unknown) => {
        throw s.explain(e, `listing "${shown(prefix, 80)}"`);
      });
    const rows = [
      ...((r.CommonPrefixes ?? []) as { Prefix: string }[]).map((p) => ({ name: p.Prefix, size: null })),
      ...((r.Contents ?? []) as { Key: string; Size: number }[]).map((o) => ({ name: o.Key, size: o.Size })),
    ];
    if (!rows.length && format === "table")
      return io.out(`Nothing under "${shown(prefix, 80)}". Try \`flatfiles ls\` to see the top level.`);
    io.out(render(rows, format, ["name", "size"]));
  });
}
