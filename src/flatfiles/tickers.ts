/**
 * Tickers between flat files and the REST API. Flat files write currency and crypto pairs with a
 * hyphen (`C:EUR-USD`, `X:BTC-USD`); the REST API and its documentation write them without
 * (`C:EURUSD`, `X:BTCUSD`).
 * Sources: polygon-io/issues#319 "Mismatch in Flat Files S3 documentation" (2024-10-07): the
 * crypto minute files hold `X:BTC-USD` where the documentation and /v3/reference/tickers say
 * `X:BTCUSD`; Polygon's own REST examples, `polygon-io/client-go`
 * `rest/example/forex/aggregates-bars/main.go` (commit 193b8821d40b2fef813a8f8d07f78bd4c4b7ea5a,
 * ticker `C:EURUSD`) and `rest/example/crypto/aggregates-bars/main.go` (commit
 * 25b22f2d6d5865437cfb4d9171ac0cd23fba4586, ticker `X:BTCUSD`); the published forex rows in
 * test/fixtures/published (`C:AED-AUD`).
 */
import { KitError } from "../util/errors";

const PAIR = /^([CX]):([A-Za-z0-9]+)-([A-Za-z0-9]+)$/;
const REST_PAIR = /^[CX]:[A-Za-z0-9]+$/;

/** A flat-file ticker as the REST API writes it: `C:EUR-USD` → `C:EURUSD`, `X:BTC-USD` → `X:BTCUSD`; other tickers unchanged. */
export function toRestTicker(ticker: string): string {
  const text = String(ticker).trim();
  const pair = PAIR.exec(text);
  if (pair) return `${pair[1]}:${pair[2]}${pair[3]}`;
  if (/^[CX]:/.test(text) && !REST_PAIR.test(text)) {
    throw new KitError(
      "tickers.pair",
      `"${text.slice(0, 40)}" is not a currency or crypto pair: flat files write them as C:EUR-USD or X:BTC-USD (two codes and one hyphen).`,
    );
  }
  return text;
}
