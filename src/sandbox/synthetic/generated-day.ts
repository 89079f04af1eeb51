import type { SandboxDataset as Dataset } from "../description";

/** One day's file of a dataset, and the sizes of the same date's files it must agree with. */
export interface GeneratedDay {
  dataset: Dataset;
  date: string;
  /** Number of tickers (aggregates) or rows (trades, quotes, values). */
  size: number;
  /** Share of minutes with a bar, for every ticker; by default liquidity falls with ticker rank. */
  liquidity?: number;
  /**
   * A day (session) file: the same date's minute file, whose tickers are the first `size` of
   * this file's, each day bar being the sum of the ticker's minute bars. Default: all of this
   * file's tickers, with the minute file's default liquidity.
   */
  minute?: { size: number; liquidity?: number };
  /**
   * An aggregates file: the number of rows in the same date's trades file (index values for
   * indices). The minute bars of that file's tickers are its trades, minute by minute. 0 or
   * absent: no trades file, bars drawn around the price path. A quotes file: the rows of the
   * date's trades file, whose prices come from these quotes (default: this file's rows over
   * `QUOTES_PER_TRADE`).
   */
  ticks?: number;
}
