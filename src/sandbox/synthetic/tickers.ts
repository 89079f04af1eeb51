/** Which tickers a day's file lists, by asset class: the most active first. */
import { FUTURES_ROOTS, type SandboxDataset as Dataset } from "../description";
import { optionChain } from "../options";
import { futuresTickers } from "./futures";
import { underlying } from "./price-model";
import { stockTickers } from "./stocks";

const INDICES = ["I:SPX", "I:NDX", "I:DJI", "I:RUT", "I:VIX", "I:SOX"];
const FOREX = ["C:EUR-USD", "C:USD-JPY", "C:GBP-USD", "C:AUD-USD", "C:USD-CAD", "C:USD-CHF"];
const CRYPTO = ["X:BTC-USD", "X:ETH-USD", "X:SOL-USD", "X:DOGE-USD", "X:ADA-USD", "X:LTC-USD"];

export function tickersFor(dataset: Dataset, date: string, count: number): string[] {
  if (dataset.asset.startsWith("us_futures_"))
    return futuresTickers(FUTURES_ROOTS[dataset.asset.replace("us_futures_", "")] ?? ["ES"], date, count);
  switch (dataset.asset) {
    case "us_stocks_sip":
      return stockTickers(count, date);
    case "us_options_opra":
      // A chain around each underlying's close that day, in the stock files' prices.
      return optionChain(date, count, (u) => underlying(u, date).close);
    case "us_indices":
      return INDICES.slice(0, count);
    case "global_forex":
      return FOREX.slice(0, count);
    default:
      return CRYPTO.slice(0, count);
  }
}
