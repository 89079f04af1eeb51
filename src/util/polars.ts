/**
 * nodejs-polars, loaded when a polars function is first called rather than when a module that uses
 * it is imported: `import pl from "../util/polars"` reads as `import pl from "nodejs-polars"` (the
 * same values and the same `pl.DataFrame`/`pl.Expr` types), but importing the kit stays cheap.
 */
import type { pl as Polars } from "nodejs-polars";

let loaded: typeof Polars | undefined;
function polars(): typeof Polars {
  loaded ??= (require("nodejs-polars") as { default: typeof Polars }).default;
  return loaded;
}

const pl = new Proxy({} as typeof Polars, {
  get: (_target, key) => Reflect.get(polars(), key),
  has: (_target, key) => Reflect.has(polars(), key),
});

// The types of `pl.X` in type positions, as nodejs-polars' own namespace gives them.
declare namespace pl {
  type DataFrame = Polars.DataFrame;
  type LazyDataFrame = Polars.LazyDataFrame;
  type Expr = Polars.Expr;
  type Series = Polars.Series;
}

export default pl;
