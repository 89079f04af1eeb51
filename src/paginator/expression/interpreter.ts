/** jmespath.py's TreeInterpreter, ported: the same result for every tree and value. */
import { JmesError } from "./errors";
import { callFunction } from "./functions";
import type { Node } from "./parser";
import {
  PyDict,
  PyRuntimeError,
  dictEntries,
  dictGet,
  isDict,
  isFalse,
  isNumber,
  jmesEquals,
  num,
  pyCompare,
  pyFalsy,
} from "./values";

/** An expression reference (`&field`), evaluated by the function that takes it. */
export class ExpRef {
  constructor(
    readonly node: Node,
    readonly visit: (node: Node, value: unknown) => unknown,
  ) {}
  call(value: unknown): unknown {
    return this.visit(this.node, value);
  }
}

const isComparable = (v: unknown) => isNumber(v) || typeof v === "string";

export function evaluate(tree: Node, value: unknown): unknown {
  const visit = (n: Node, v: unknown): unknown => {
    const kids = n.children as Node[];
    switch (n.type) {
      case "subexpression":
      case "index_expression":
      case "pipe": {
        let result = v;
        for (const child of kids) result = visit(child, result);
        return result;
      }
      case "field":
        return isDict(v) ? dictGet(v, n.value as string) : null;
      case "comparator": {
        const left = visit(kids[0], v);
        const right = visit(kids[1], v);
        if (n.value === "eq") return jmesEquals(left, right);
        if (n.value === "ne") return !jmesEquals(left, right);
        // Ordering: numbers and strings only (anything else gives null); a number against a string is Python's TypeError.
        if (!isComparable(left) || !isComparable(right)) return null;
        const c = pyCompare(left, right);
        if (Number.isNaN(c)) return false;
        return n.value === "lt" ? c < 0 : n.value === "lte" ? c <= 0 : n.value === "gt" ? c > 0 : c >= 0;
      }
      case "current":
      case "identity":
        return v;
      case "expref":
        return new ExpRef(kids[0], visit);
      case "function_expression":
        return callFunction(
          n.value as string,
          kids.map((child) => visit(child, v)),
        );
      case "filter_projection": {
        const base = visit(kids[0], v);
        if (!Array.isArray(base)) return null;
        const out: unknown[] = [];
        for (const element of base) {
          if (!isFalse(visit(kids[2], element))) {
            const current = visit(kids[1], element);
            if (current !== null && current !== undefined) out.push(current);
          }
        }
        return out;
      }
      case "flatten": {
        const base = visit(kids[0], v);
        if (!Array.isArray(base)) return null;
        const out: unknown[] = [];
        for (const element of base) {
          if (Array.isArray(element)) out.push(...element);
          else out.push(element);
        }
        return out;
      }
      case "index": {
        if (!Array.isArray(v)) return null;
        const i = n.value as number;
        const at = i < 0 ? v.length + i : i;
        return at >= 0 && at < v.length ? (v[at] ?? null) : null;
      }
      case "slice":
        return Array.isArray(v) ? pySlice(v, n.children as (number | null)[]) : null;
      case "key_val_pair":
        return visit(kids[0], v);
      case "literal":
        return n.value;
      case "multi_select_dict": {
        if (v === null || v === undefined) return null;
        const out = new PyDict();
        for (const child of kids) out.map.set(child.value as string, visit(child, v));
        return out;
      }
      case "multi_select_list":
        if (v === null || v === undefined) return null;
        return kids.map((child) => visit(child, v));
      case "or_expression": {
        const matched = visit(kids[0], v);
        return isFalse(matched) ? visit(kids[1], v) : matched;
      }
      case "and_expression": {
        const matched = visit(kids[0], v);
        return isFalse(matched) ? matched : visit(kids[1], v);
      }
      case "not_expression": {
        const original = visit(kids[0], v);
        if (isNumber(original) && num(original) === 0) return false;
        return pyFalsy(original);
      }
      case "projection": {
        const base = visit(kids[0], v);
        if (!Array.isArray(base)) return null;
        return project(base, kids[1]);
      }
      case "value_projection": {
        const base = visit(kids[0], v);
        if (!isDict(base)) return null;
        return project(
          dictEntries(base).map(([, x]) => x),
          kids[1],
        );
      }
      default:
        throw new JmesError("syntax", `Unknown node ${n.type}`);
    }
  };
  const project = (base: unknown[], right: Node) => {
    const out: unknown[] = [];
    for (const element of base) {
      const current = visit(right, element);
      if (current !== null && current !== undefined) out.push(current);
    }
    return out;
  };
  return visit(tree, value);
}

/** Python's list[start:stop:step]. */
function pySlice(list: unknown[], [start, stop, step]: (number | null)[]): unknown[] {
  const s = step ?? 1;
  if (s === 0) throw new PyRuntimeError("ValueError", "slice step cannot be zero");
  const len = list.length;
  const clamp = (i: number | null, dflt: number, lo: number, hi: number) => {
    if (i === null) return dflt;
    const j = i < 0 ? i + len : i;
    return j < lo ? lo : j > hi ? hi : j;
  };
  const out: unknown[] = [];
  if (s > 0) {
    const a = clamp(start, 0, 0, len);
    const b = clamp(stop, len, 0, len);
    for (let i = a; i < b; i += s) out.push(list[i]);
  } else {
    const a = clamp(start, len - 1, -1, len - 1);
    const b = clamp(stop, -1, -1, len - 1);
    for (let i = a; i > b; i += s) out.push(list[i]);
  }
  return out;
}
