/** `flatfiles dates <dataset> <from> <to>`: the days the bucket lists in a range. */
import { listDays } from "../../flatfiles/catalog";
import type { Values } from "../args";
import { formatOf } from "../args";
import { render, safe } from "../output";
import { type Io, withSession } from "../session";

export async function dates(args: string[], values: Values, io: Io): Promise<void> {
  const format = formatOf(values);
  const [dataset, from, to] = args;
  await withSession(async (s) => {
    const days = await listDays(s.ref, dataset, from, to);
    if (!days.length && format === "table")
      return io.out(safe(`No files for ${dataset} between ${from} and ${to}.`));
    io.out(
      render(
        days.map((d) => ({ date: d.date, bytes: d.size, key: d.key })),
        format,
        ["date", "bytes", "key"],
      ),
    );
  });
}
