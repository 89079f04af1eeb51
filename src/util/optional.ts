/**
 * Optional peer dependencies: packages only one feature uses (the chart renderer; the tutorials'
 * DynamoDB, EC2 and IAM clients). npm does not install them with the kit, so a project that only
 * paginates and reads flat files does not carry them; the feature that needs one says which
 * package to add.
 */
import { KitError } from "./errors";

/** What `renderChart`/`showChart` need: Vega-Lite to SVG (vega, vega-lite), SVG to PNG (resvg). */
export const CHART_PACKAGES = ["vega", "vega-lite", "@resvg/resvg-js"] as const;

/** The error for a package a feature needs and the project lacks, with the command that adds it. */
export function missingPackageError(
  name: string,
  feature: string,
  add: readonly string[] = [name],
): KitError {
  return new KitError(
    "install.missing-package",
    `${feature} needs the package ${name}, which is not installed (it is an optional dependency of flatfiles-kit): run \`npm install ${add.join(" ")}\` in your project.`,
  );
}

/** Whether `e` is Node's "Cannot find module" for the package `name` itself (not for a file inside it). */
export function isMissingPackage(e: unknown, name: string): boolean {
  const err = e as { code?: string; message?: string } | null;
  return (
    (err?.code === "MODULE_NOT_FOUND" || err?.code === "ERR_MODULE_NOT_FOUND") &&
    typeof err.message === "string" &&
    (err.message.includes(`'${name}'`) || err.message.includes(`"${name}"`))
  );
}

/** The name of the package a "Cannot find module" error is about, when it names a bare package. */
export function missingPackageName(e: unknown): string | null {
  const err = e as { code?: string; message?: string } | null;
  if (err?.code !== "MODULE_NOT_FOUND" && err?.code !== "ERR_MODULE_NOT_FOUND") return null;
  const m = /Cannot find (?:module|package) ['"]((?:@[\w.-]+\/)?[\w.-]+)['"]/.exec(String(err.message));
  return m ? m[1] : null;
}

/** Throws `missingPackageError` for the first of `names` that Node cannot resolve from the kit. */
export function needPackages(names: readonly string[], feature: string): void {
  for (const name of names) {
    try {
      require.resolve(name);
    } catch (e) {
      if (isMissingPackage(e, name)) throw missingPackageError(name, feature, names);
      throw e;
    }
  }
}
