/**
 * Charts as PNG: a Vega-Lite spec compiled by vega-lite, rendered to SVG by vega (no browser),
 * rasterised by resvg. PNG because classic Notebook hides SVG in untrusted notebooks, and a
 * notebook executed headless is untrusted.
 */
import pl from "nodejs-polars";
import { resolveTickers } from "../flatfiles/analysis";
import { KitError } from "../util/errors";
import { showPng } from "./display";

export type ChartSpec = Record<string, unknown>;

/** Every chart is drawn this wide (CSS pixels; the PNG is twice that), so all show at one scale. */
export const CHART_WIDTH = 640;

/**
 * The largest chart side, in CSS pixels (the PNG is twice that): a 20000-pixel chart took 12.6 GB
 * to rasterise. 4000 is six times the notebooks' width, room for any chart a page can show.
 */
export const MAX_CHART_SIDE = 4000;

function checkSide(what: string, value: unknown): void {
  if (typeof value === "number" && !(value > 0 && value <= MAX_CHART_SIDE)) {
    throw new KitError(
      "chart.size",
      `The chart's ${what} is ${String(value).slice(0, 20)} pixels; give a number from 1 to ${MAX_CHART_SIDE} (the PNG is drawn at twice that).`,
    );
  }
}

/** Render a Vega-Lite spec to PNG bytes (2x scale, white background). */
export async function renderChart(spec: ChartSpec): Promise<Buffer> {
  checkSide("width", spec.width);
  checkSide("height", spec.height);
  // vega, vega-lite and resvg are loaded with the first chart, not with the library, so a
  // notebook that draws no chart never loads them.
  const vega = require("vega") as {
    View: new (r: unknown, o: object) => { toSVG(): Promise<string> };
    parse(s: unknown): unknown;
  };
  const vl = require("vega-lite") as { compile(s: unknown): { spec: unknown } };
  const { Resvg } = require("@resvg/resvg-js") as {
    Resvg: new (svg: string, o: object) => { render(): { asPng(): Buffer } };
  };
  const full = { background: "white", width: CHART_WIDTH, height: 280, ...spec };
  const svg = await new vega.View(vega.parse(vl.compile(full).spec), { renderer: "none" }).toSVG();
  // Parts of a concatenation, many rows of a facet: the drawn size is what counts, checked
  // before the PNG's memory is taken.
  const size = /<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/.exec(svg);
  if (size) {
    checkSide("drawn width", Number(size[1]));
    checkSide("drawn height", Number(size[2]));
  }
  return new Resvg(svg, { fitTo: { mode: "zoom", value: 2 } }).render().asPng();
}

export async function showChart(spec: ChartSpec, altText = "chart"): Promise<void> {
  showPng(await renderChart(spec), altText);
}

/** Rows for Vega from a frame: New York datetimes as local-time strings, BigInts dropped. */
function rowsOf(df: pl.DataFrame, timeColumn = "window_start_ny"): Record<string, unknown>[] {
  const frame = df.columns.includes(timeColumn)
    ? df.withColumns(pl.col(timeColumn).dt.strftime("%Y-%m-%dT%H:%M:%S").alias("time"))
    : df;
  const keep = frame.columns.filter((c) => !["window_start", "window_start_utc", timeColumn].includes(c));
  return frame.select(...keep).toRecords() as Record<string, unknown>[];
}

/** One ticker's minute bars: closing price through the day, volume underneath. */
export function minuteBarsSpec(df: pl.DataFrame, tickerName: string): ChartSpec {
  const [ticker] = resolveTickers(df, [tickerName], "these minute bars");
  const values = rowsOf(
    df.filter(pl.col("ticker").eq(pl.lit(ticker))).select("close", "volume", "window_start_ny"),
  );
  const x = { field: "time", type: "temporal", title: "New York time", axis: { format: "%H:%M" } };
  return {
    title: `${ticker}: minute bars`,
    data: { values },
    vconcat: [
      // A vconcat's parts take no width from the top level: without their own, the chart comes
      // out narrow and tall, and a notebook shows it at a different scale from the others.
      {
        width: CHART_WIDTH,
        height: 190,
        mark: { type: "line", strokeWidth: 1.2 },
        encoding: { x, y: { field: "close", type: "quantitative", scale: { zero: false }, title: "close" } },
      },
      {
        width: CHART_WIDTH,
        height: 60,
        mark: "bar",
        encoding: { x, y: { field: "volume", type: "quantitative", title: "volume" } },
      },
    ],
  };
}

/** A horizontal bar per ticker: the day's change in percent, gainers green and losers red. */
export function topMoversSpec(
  rows: { ticker: string; change_pct: number }[],
  title = "Top movers",
): ChartSpec {
  return {
    title,
    data: { values: rows },
    height: Math.max(120, rows.length * 18),
    mark: "bar",
    encoding: {
      y: { field: "ticker", type: "nominal", sort: "-x", title: null },
      x: { field: "change_pct", type: "quantitative", title: "change (%)" },
      color: { condition: { test: "datum.change_pct >= 0", value: "#2e7d32" }, value: "#c62828" },
    },
  };
}

/** Volume per minute of the session, summed over every ticker. */
export function volumeThroughDaySpec(df: pl.DataFrame): ChartSpec {
  const perMinute = df
    .groupBy("window_start_ny")
    .agg(pl.col("volume").sum().alias("volume"))
    .sort("window_start_ny");
  return {
    title: "Volume through the day (all tickers)",
    data: { values: rowsOf(perMinute) },
    mark: "area",
    encoding: {
      x: { field: "time", type: "temporal", title: "New York time", axis: { format: "%H:%M" } },
      y: { field: "volume", type: "quantitative" },
    },
  };
}

/**
 * Lines over time from a frame: `y` against New York time (`timeColumn`), one line per value of
 * `series` (a column, for example ticker) or one line per column in `y` when it lists several.
 */
export function lineSpec(
  df: pl.DataFrame,
  y: string | string[],
  options: { title?: string; series?: string; timeColumn?: string; yTitle?: string } = {},
): ChartSpec {
  const ys = Array.isArray(y) ? y : [y];
  const time = options.timeColumn ?? "window_start_ny";
  const values = rowsOf(df.select(...[time, ...ys, ...(options.series ? [options.series] : [])]), time);
  const encoding = (field: string, color: object) => ({
    x: { field: "time", type: "temporal", title: "New York time", axis: { format: "%H:%M" } },
    y: { field, type: "quantitative", scale: { zero: false }, title: options.yTitle ?? field },
    color,
  });
  if (ys.length === 1) {
    const color = options.series ? { field: options.series, type: "nominal" } : { value: "#1f77b4" };
    return {
      title: options.title ?? ys[0],
      data: { values },
      mark: { type: "line", strokeWidth: 1.2 },
      encoding: encoding(ys[0], color),
    };
  }
  // Several columns: fold them into (line, value) pairs so each gets its own colour and legend entry.
  return {
    title: options.title ?? ys.join(", "),
    data: { values },
    transform: [{ fold: ys, as: ["line", "value"] }],
    mark: { type: "line", strokeWidth: 1.2 },
    encoding: encoding("value", { field: "line", type: "nominal", title: null }),
  };
}

/** Call and put volume by strike for one expiration of a `chain()` frame, calls up and puts down. */
export function chainVolumeSpec(chainFrame: pl.DataFrame, title = "Volume by strike"): ChartSpec {
  const rows = chainFrame.select("strike", "call_volume", "put_volume").toRecords() as Record<
    string,
    number | null
  >[];
  const values = rows.flatMap((r) => [
    { strike: r.strike, side: "calls", volume: r.call_volume ?? 0 },
    { strike: r.strike, side: "puts", volume: -(r.put_volume ?? 0) },
  ]);
  return {
    title,
    data: { values },
    mark: "bar",
    encoding: {
      x: { field: "strike", type: "ordinal", title: "strike", axis: { labelAngle: -45 } },
      y: { field: "volume", type: "quantitative", title: "contracts (puts below zero)" },
      color: { field: "side", type: "nominal", scale: { range: ["#2e7d32", "#c62828"] }, title: null },
    },
  };
}

/** A square heatmap of a correlation (or any) matrix given as rows of `{ row, column, value }`. */
export function heatmapSpec(
  cells: { row: string; column: string; value: number }[],
  title = "Correlation",
): ChartSpec {
  const side = Math.min(CHART_WIDTH, 60 * new Set(cells.map((c) => c.row)).size);
  return {
    title,
    data: { values: cells },
    width: side,
    height: side,
    layer: [
      {
        mark: "rect",
        encoding: {
          x: { field: "column", type: "nominal", title: null },
          y: { field: "row", type: "nominal", title: null },
          color: {
            field: "value",
            type: "quantitative",
            scale: { scheme: "redblue", domain: [-1, 1] },
            title: null,
          },
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: {
          x: { field: "column", type: "nominal" },
          y: { field: "row", type: "nominal" },
          text: { field: "value", type: "quantitative", format: ".2f" },
        },
      },
    ],
  };
}
