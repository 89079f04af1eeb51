/** jmespath.py's lexer, ported: the same tokens, values and error positions (code points). */
import { JmesError } from "./errors";
import { isJsonError, pyJsonLoads } from "./json-literal";
import { pyStrip } from "./values";

export interface Token {
  type: string;
  value: unknown;
  start: number;
}

const SIMPLE: Record<string, string> = {
  ".": "dot",
  "*": "star",
  "]": "rbracket",
  ",": "comma",
  ":": "colon",
  "@": "current",
  "(": "lparen",
  ")": "rparen",
  "{": "lbrace",
  "}": "rbrace",
};
const START_ID = /^[A-Za-z_]$/;
const ID = /^[A-Za-z0-9_]$/;
const DIGIT = /^[0-9]$/;
const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

export function tokenize(expression: string): Token[] {
  if (!expression) throw new JmesError("syntax", "Invalid JMESPath expression: cannot be empty.", 0);
  const chars = Array.from(expression);
  const length = chars.length;
  let pos = 0;
  let current: string | undefined = chars[0];
  const next = (): string | undefined => {
    if (pos === length - 1) current = undefined;
    else current = chars[++pos];
    return current;
  };
  const lexError = (position: number, message: string) => new JmesError("syntax", message, position);
  const consumeUntil = (delimiter: string): string => {
    const start = pos;
    let buff = "";
    next();
    while (current !== delimiter) {
      if (current === "\\") {
        buff += "\\";
        next();
      }
      if (current === undefined) throw lexError(start, `Unclosed ${delimiter} delimiter`);
      buff += current;
      next();
    }
    next();
    return buff;
  };
  const matchOrElse = (expected: string, match: string, orElse: string): Token => {
    const start = pos;
    const c = current!;
    const n = next();
    if (n === expected) {
      next();
      return { type: match, value: c + n, start };
    }
    return { type: orElse, value: c, start };
  };
  const consumeNumber = (): string => {
    let buff = current!;
    while (next() !== undefined && DIGIT.test(current!)) buff += current;
    return buff;
  };
  const tokens: Token[] = [];
  while (current !== undefined) {
    const c: string = current;
    if (c in SIMPLE) {
      tokens.push({ type: SIMPLE[c], value: c, start: pos });
      next();
    } else if (START_ID.test(c)) {
      const start = pos;
      let buff = c;
      while (next() !== undefined && ID.test(current!)) buff += current;
      tokens.push({ type: "unquoted_identifier", value: buff, start });
    } else if (WHITESPACE.has(c)) {
      next();
    } else if (c === "[") {
      const start = pos;
      const n = next();
      if (n === "]") {
        next();
        tokens.push({ type: "flatten", value: "[]", start });
      } else if (n === "?") {
        next();
        tokens.push({ type: "filter", value: "[?", start });
      } else tokens.push({ type: "lbracket", value: "[", start });
    } else if (c === "'") {
      const start = pos;
      const lexeme = consumeUntil("'").replaceAll("\\'", "'");
      tokens.push({ type: "literal", value: lexeme, start });
    } else if (c === "|") tokens.push(matchOrElse("|", "or", "pipe"));
    else if (c === "&") tokens.push(matchOrElse("&", "and", "expref"));
    else if (c === "`") {
      const start = pos;
      const lexeme = consumeUntil("`").replaceAll("\\`", "`");
      let value: unknown;
      try {
        value = pyJsonLoads(lexeme);
      } catch (e) {
        if (!isJsonError(e)) throw e;
        try {
          // jmespath.py's deprecated form: text that is not JSON is taken as a JSON string's inside.
          value = pyJsonLoads(`"${pyStrip(lexeme, false)}"`);
        } catch (again) {
          if (!isJsonError(again)) throw again;
          throw lexError(start, `Bad token ${lexeme}`);
        }
      }
      tokens.push({ type: "literal", value, start });
    } else if (DIGIT.test(c)) {
      const start = pos;
      tokens.push({ type: "number", value: Number.parseInt(consumeNumber(), 10), start });
    } else if (c === "-") {
      const start = pos;
      const buff = consumeNumber();
      if (buff.length > 1) tokens.push({ type: "number", value: Number.parseInt(buff, 10), start });
      else throw lexError(start, `Unknown token '${buff}'`);
    } else if (c === '"') {
      const start = pos;
      const lexeme = `"${consumeUntil('"')}"`;
      try {
        tokens.push({ type: "quoted_identifier", value: pyJsonLoads(lexeme), start });
      } catch (e) {
        if (!isJsonError(e)) throw e;
        throw lexError(start, (e as Error).message);
      }
    } else if (c === "<") tokens.push(matchOrElse("=", "lte", "lt"));
    else if (c === ">") tokens.push(matchOrElse("=", "gte", "gt"));
    else if (c === "!") tokens.push(matchOrElse("=", "ne", "not"));
    else if (c === "=") {
      if (next() === "=") {
        tokens.push({ type: "eq", value: "==", start: pos - 1 });
        next();
      } else {
        throw lexError(current === undefined ? pos : pos - 1, "Unknown token '='");
      }
    } else throw lexError(pos, `Unknown token ${c}`);
  }
  tokens.push({ type: "eof", value: "", start: length });
  return tokens;
}
