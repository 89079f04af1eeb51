/**
 * Pay for what you use: the main entry reaches polars (115 MB of native code, ~0.3 s to load) and
 * the chart stack only through these wrappers, so `require("flatfiles-kit")` to paginate or
 * download loads neither. A wrapper has the exact type of the function it stands for.
 */
import { needPackages } from "./optional";

/** Optional packages a function needs; `async` when it returns a promise. */
export interface NeededPackages {
  names: readonly string[];
  feature?: string;
  async?: boolean;
}

/** A module loaded on first use; `fn(name)` is a function that loads it, then calls its `name`. */
export interface LazyModule<M> {
  /** The module itself (loads it now). */
  (): M;
  /**
   * Its function `name`, as a stand-in that loads the module on the first call. `packages` are
   * optional packages the function needs: a missing one is a KitError naming it, before loading
   * (a rejected promise when `async`, as the function itself would fail).
   */
  fn<K extends keyof M>(name: K, packages?: NeededPackages): M[K];
}

export function lazyModule<M>(load: () => M): LazyModule<M> {
  let mod: M | undefined;
  const get = (() => {
    mod ??= load();
    return mod;
  }) as LazyModule<M>;
  get.fn = <K extends keyof M>(name: K, packages?: NeededPackages): M[K] => {
    const stand = (...args: unknown[]) => {
      if (packages) {
        try {
          needPackages(packages.names, packages.feature ?? `${String(name)}()`);
        } catch (e) {
          if (packages.async) return Promise.reject(e);
          throw e;
        }
      }
      return (get()[name] as (...a: unknown[]) => unknown)(...args);
    };
    Object.defineProperty(stand, "name", { value: name });
    return stand as M[K];
  };
  return get;
}
