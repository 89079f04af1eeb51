/**
 * Deterministic synthetic market data in the flat-files CSV formats, as one market.
 *
 * The parts, in the order the data is made:
 * 1. `random.ts`: seeded random numbers (every value comes from a PRNG seeded by names, so every
 *    machine builds the same sandbox).
 * 2. `time.ts`, `clock.ts`: New York time, sessions, the grids of trading days prices step on,
 *    and where in the day rows fall (U-shaped, with extended hours and auctions).
 * 3. `history.ts`, `drivers.ts`: published closes, and the shared drivers pinned to them (indices
 *    and VIX, exchange rates, coins, commodities).
 * 4. Per-asset models: `stocks.ts` (profiles, splits, ETFs on their index), `futures.ts` (months,
 *    ticks, carry, roll), options in `../options.ts`; `price-model.ts` gives every ticker its
 *    open, close and intraday path; `tickers.ts` which tickers a file lists.
 * 5. Microstructure: `microstructure.ts` (sizes, odd lots, conditions, spreads), `tape.ts`
 *    (trades priced from quotes), `day.ts` (minute bars from trades or paths).
 * 6. File writers: `aggs-file.ts`, `ticks-file.ts`, `format.ts`.
 *
 * Nothing here imports `src/flatfiles/`: the sandbox must be able to disagree with the library.
 */
import { aggsCsv } from "./aggs-file";
import type { GeneratedDay } from "./generated-day";
import { PriceModel } from "./price-model";
import { ticksCsv } from "./ticks-file";

export { hash, rng } from "./random";
export { newYorkMidnightMs } from "./time";
export { stockTickers } from "./stocks";
export { tickersFor } from "./tickers";
export { PriceModel, PricePath } from "./price-model";
export { FULL_STOCK_TAPE, QUOTES_PER_TRADE } from "./tape";
export type { GeneratedDay } from "./generated-day";

/** The CSV text (header included) of one day's file, in the dataset's header. */
export function dayFileCsv(file: GeneratedDay, prices = new PriceModel(file.dataset)): string {
  const { header } = file.dataset;
  return file.dataset.kind === "aggs" ? aggsCsv(file, prices, header) : ticksCsv(file, prices, header);
}
