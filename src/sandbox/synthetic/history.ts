/**
 * Published closes the sandbox's prices pass through: every real figure the generator uses, with
 * the date and where it was read. Between two anchors of a series the sandbox draws a random walk
 * pinned at both ends (a Brownian bridge, `drivers.ts`), so its history is near the real one
 * without needing every day. Values are as printed on their day: stock closes unadjusted for
 * later splits (the model divides them by `SANDBOX_SPLITS` itself).
 *
 * `read` names the page a figure was read from (a stored copy, through the team's search index,
 * on 2026-12-07). Rows marked `recalled` were not re-read from a stored page: widely published
 * closes (year ends, record days) written from memory, kept because a walk with no anchor for
 * years drifts far; treat them as approximate (`docs/sandbox-vs-real.md` says so).
 */
export interface Anchor {
  series: string;
  date: string;
  value: number;
  read: string;
}

const R = "recalled";
const AP20 = "upnewsinfo.com/2020/08/31/apple-tesla-shares-pop-after-stock-splits (Reuters copy)";
const BZ20 = "benzinga.com/news/20/08/17319989 (Apple, Tesla first split-adjusted day)";
const AP24 = "abcnews.go.com wire story 'How major US stock indexes fared Friday, 8/23/2024'";
const BZ24 = "benzinga.com/markets/asia/24/10/41483592 (US close of 2024-10-22)";
const IS24 = "isam-securities.com market commentary of Tuesday 15 October 2024 (Monday's close)";
const PT24 = "paradtrade.news 'The S&P 500 is up 2.3%' (close of 2024-03-22)";
const KT23 = "kaaltv.com 'How major US stock indexes fared Friday 12/15/2023'";
const CB20 = "caribbeanbusiness.com 'Global Market Square: Roundup Nov. 20' (2020)";
const RP25 = "reportify.ai news 1171663448669687808 (Benzinga, close of 2025-10-03; rounded figures)";
const CR25 = "thechartreport.com/11-21-25 (close of 2025-11-21)";
const YN26 = "yntk.news market close of 2026-03-03 (CNN/NBC figures)";
const Q7 = "quad7capital.com/2024/06/07 (NVIDIA closed at $1,208.88)";
const IF24 = "investorfactcheck.com 'Nvidia share prices rise in first trading day after stock split'";
const GS22 = "globalstatuss.com web story on Tesla's 3-for-1 split ('previous closing price $891.29')";
const I29 = "issue #29 (the reviewer's real closes of 2024-03-15)";
const FX21 = "forexlive.com 2021-10-05 early US trading snapshot";

const rows: [string, string, number, string][] = [
  // Indices: the market's drivers.
  ["I:SPX", "2002-12-31", 879.82, R],
  ["I:SPX", "2007-10-09", 1565.15, R],
  ["I:SPX", "2009-03-09", 676.53, R],
  ["I:SPX", "2012-12-31", 1426.19, R],
  ["I:SPX", "2015-12-31", 2043.94, R],
  ["I:SPX", "2018-12-31", 2506.85, R],
  ["I:SPX", "2019-12-31", 3230.78, R],
  ["I:SPX", "2020-02-19", 3386.15, R],
  ["I:SPX", "2020-03-23", 2237.4, R],
  ["I:SPX", "2020-11-20", 3557.6, CB20],
  ["I:SPX", "2021-12-31", 4766.18, R],
  ["I:SPX", "2022-10-12", 3577.03, R],
  ["I:SPX", "2022-12-30", 3839.5, R],
  ["I:SPX", "2023-12-15", 4719.19, KT23],
  ["I:SPX", "2024-03-15", 5117.09, R],
  ["I:SPX", "2024-03-22", 5234.18, PT24],
  ["I:SPX", "2024-08-23", 5634.61, AP24],
  ["I:SPX", "2024-10-22", 5851.2, BZ24],
  ["I:SPX", "2024-12-31", 5881.63, R],
  ["I:SPX", "2025-04-08", 4982.77, R],
  ["I:SPX", "2025-10-03", 6750, RP25],
  ["I:SPX", "2026-03-03", 6816.63, YN26],
  ["I:NDX", "2019-12-31", 8733.07, R],
  ["I:NDX", "2021-12-31", 16320.08, R],
  ["I:NDX", "2022-12-30", 10939.76, R],
  ["I:NDX", "2023-12-29", 16825.93, R],
  ["I:NDX", "2024-03-15", 17808.25, R],
  ["I:NDX", "2024-10-14", 18502, IS24],
  ["I:NDX", "2024-12-31", 21012.17, R],
  ["I:NDX", "2025-10-03", 24940, RP25],
  ["I:DJI", "2019-12-31", 28538.44, R],
  ["I:DJI", "2020-11-20", 29263.87, CB20],
  ["I:DJI", "2021-12-31", 36338.3, R],
  ["I:DJI", "2022-12-30", 33147.25, R],
  ["I:DJI", "2023-12-15", 37305.16, KT23],
  ["I:DJI", "2024-03-15", 38714.77, R],
  ["I:DJI", "2024-03-22", 39475.9, PT24],
  ["I:DJI", "2024-08-23", 41175.08, AP24],
  ["I:DJI", "2024-10-22", 42924.89, BZ24],
  ["I:DJI", "2024-12-31", 42544.22, R],
  ["I:DJI", "2025-10-03", 47000, RP25],
  ["I:RUT", "2019-12-31", 1668.47, R],
  ["I:RUT", "2021-12-31", 2245.31, R],
  ["I:RUT", "2022-12-30", 1761.25, R],
  ["I:RUT", "2023-12-15", 1985.13, KT23],
  ["I:RUT", "2024-08-23", 2218.7, AP24],
  ["I:RUT", "2024-12-31", 2230.16, R],
  ["I:RUT", "2025-10-03", 2493, RP25],
  ["I:SOX", "2023-12-29", 4246, R],
  ["I:SOX", "2024-12-31", 4980, R],
  // The biggest names on the days the notebooks and tests use (unadjusted).
  ["AAPL", "2019-12-31", 293.65, R],
  ["AAPL", "2020-08-28", 499.23, AP20],
  ["AAPL", "2020-08-31", 129.04, BZ20],
  ["AAPL", "2021-12-31", 177.57, R],
  ["AAPL", "2022-12-30", 129.93, R],
  ["AAPL", "2023-12-29", 192.53, R],
  ["AAPL", "2024-03-15", 172.62, I29],
  ["AAPL", "2024-12-31", 250.42, R],
  ["AAPL", "2025-11-21", 271.49, R],
  ["MSFT", "2019-12-31", 157.7, R],
  ["MSFT", "2021-12-31", 336.32, R],
  ["MSFT", "2022-12-30", 239.82, R],
  ["MSFT", "2023-12-29", 376.04, R],
  ["MSFT", "2024-03-15", 416.42, R],
  ["MSFT", "2024-12-31", 421.5, R],
  ["MSFT", "2025-11-21", 472.12, R],
  ["NVDA", "2019-12-31", 235.3, R],
  ["NVDA", "2021-12-31", 294.11, R],
  ["NVDA", "2022-12-30", 146.14, R],
  ["NVDA", "2023-12-29", 495.22, R],
  ["NVDA", "2024-03-15", 878.37, I29],
  ["NVDA", "2024-06-07", 1208.88, Q7],
  ["NVDA", "2024-06-10", 121.71, IF24],
  ["NVDA", "2024-12-31", 134.29, R],
  ["NVDA", "2025-11-21", 178.88, R],
  ["AMZN", "2019-12-31", 1847.84, R],
  ["AMZN", "2021-12-31", 3334.34, R],
  ["AMZN", "2022-12-30", 84, R],
  ["AMZN", "2023-12-29", 151.94, R],
  ["AMZN", "2024-03-15", 174.42, R],
  ["AMZN", "2024-12-31", 219.39, R],
  ["AMZN", "2025-11-21", 220.69, R],
  ["GOOGL", "2019-12-31", 1339.39, R],
  ["GOOGL", "2021-12-31", 2893.59, R],
  ["GOOGL", "2022-12-30", 88.23, R],
  ["GOOGL", "2023-12-29", 139.69, R],
  ["GOOGL", "2024-03-15", 141.18, R],
  ["GOOGL", "2024-12-31", 189.3, R],
  ["GOOGL", "2025-11-21", 299.66, R],
  ["META", "2019-12-31", 205.25, R],
  ["META", "2021-12-31", 336.35, R],
  ["META", "2022-12-30", 120.34, R],
  ["META", "2023-12-29", 353.96, R],
  ["META", "2024-03-15", 484.1, R],
  ["META", "2024-12-31", 585.51, R],
  ["META", "2025-11-21", 594.25, R],
  ["TSLA", "2019-12-31", 418.33, R],
  ["TSLA", "2020-08-28", 2213.4, AP20],
  ["TSLA", "2020-08-31", 498.32, BZ20],
  ["TSLA", "2021-12-31", 1056.78, R],
  ["TSLA", "2022-08-24", 891.29, GS22],
  ["TSLA", "2022-12-30", 123.18, R],
  ["TSLA", "2023-12-29", 248.48, R],
  ["TSLA", "2024-03-15", 163.57, I29],
  ["TSLA", "2024-12-31", 403.84, R],
  ["TSLA", "2025-11-21", 391.09, R],
  ["JPM", "2023-12-29", 170.1, R],
  ["JPM", "2024-12-31", 239.71, R],
  ["JPM", "2025-11-21", 304.0, R],
  // Forex, crypto and commodities (spot), for the futures and the 24-hour markets.
  ["C:EUR-USD", "2019-12-31", 1.1213, R],
  ["C:EUR-USD", "2021-12-31", 1.137, R],
  ["C:EUR-USD", "2022-09-27", 0.9596, R],
  ["C:EUR-USD", "2022-12-30", 1.0705, R],
  ["C:EUR-USD", "2023-12-29", 1.1039, R],
  ["C:EUR-USD", "2024-10-14", 1.0875, IS24],
  ["C:EUR-USD", "2024-12-31", 1.0354, R],
  ["C:EUR-USD", "2025-11-21", 1.151, R],
  ["C:USD-JPY", "2019-12-31", 108.61, R],
  ["C:USD-JPY", "2021-12-31", 115.08, R],
  ["C:USD-JPY", "2022-10-21", 151.9, R],
  ["C:USD-JPY", "2022-12-30", 131.1, R],
  ["C:USD-JPY", "2023-12-29", 141, R],
  ["C:USD-JPY", "2024-12-31", 157.2, R],
  ["C:USD-JPY", "2025-11-21", 156.5, R],
  ["C:GBP-USD", "2019-12-31", 1.3261, R],
  ["C:GBP-USD", "2021-12-31", 1.3532, R],
  ["C:GBP-USD", "2022-09-26", 1.0686, R],
  ["C:GBP-USD", "2022-12-30", 1.2097, R],
  ["C:GBP-USD", "2023-12-29", 1.2731, R],
  ["C:GBP-USD", "2024-12-31", 1.2516, R],
  ["C:GBP-USD", "2025-11-21", 1.31, R],
  ["X:BTC-USD", "2019-12-31", 7194, R],
  ["X:BTC-USD", "2020-12-31", 29000, R],
  ["X:BTC-USD", "2021-10-05", 50050, FX21],
  ["X:BTC-USD", "2021-12-31", 46300, R],
  ["X:BTC-USD", "2022-12-31", 16550, R],
  ["X:BTC-USD", "2023-12-31", 42260, R],
  ["X:BTC-USD", "2024-12-31", 93400, R],
  ["X:BTC-USD", "2025-10-03", 124000, RP25],
  ["X:BTC-USD", "2025-11-21", 85069, CR25],
  ["X:ETH-USD", "2019-12-31", 130, R],
  ["X:ETH-USD", "2021-12-31", 3680, R],
  ["X:ETH-USD", "2022-12-31", 1196, R],
  ["X:ETH-USD", "2023-12-31", 2280, R],
  ["X:ETH-USD", "2024-10-14", 2609.43, IS24],
  ["X:ETH-USD", "2024-12-31", 3330, R],
  ["X:ETH-USD", "2025-11-21", 2764, CR25],
  ["GOLD", "2024-10-14", 2642.19, IS24],
  ["GOLD", "2025-10-03", 3890, RP25],
  ["GOLD", "2025-11-21", 4063, CR25],
  ["SILVER", "2021-10-05", 22.45, FX21],
  ["SILVER", "2025-10-03", 48, RP25],
  ["COPPER", "2025-10-03", 5.0, RP25],
  ["WTI", "2021-10-05", 78.7, FX21],
  ["WTI", "2024-10-14", 71.25, IS24],
  ["WTI", "2025-11-21", 57.98, CR25],
];

export const ANCHORS: readonly Anchor[] = rows.map(([series, date, value, read]) => ({
  series,
  date,
  value,
  read,
}));

/** Published closes a test holds the sandbox to (within a few percent), with where each was read. */
export const CHECKED_CLOSES: readonly Anchor[] = ANCHORS.filter((a) => a.read !== R);
