/** jmespath.py's Pratt parser, ported: the same trees, and the same syntax errors at the same positions. */
import { JmesError } from "./errors";
import { type Token, tokenize } from "./lexer";

export interface Node {
  type: string;
  children: (Node | number | null)[];
  value?: unknown;
}

const BINDING_POWER: Record<string, number> = {
  eof: 0,
  unquoted_identifier: 0,
  quoted_identifier: 0,
  literal: 0,
  rbracket: 0,
  rparen: 0,
  comma: 0,
  rbrace: 0,
  number: 0,
  current: 0,
  expref: 0,
  colon: 0,
  pipe: 1,
  or: 2,
  and: 3,
  eq: 5,
  gt: 5,
  lt: 5,
  gte: 5,
  lte: 5,
  ne: 5,
  flatten: 9,
  star: 20,
  filter: 21,
  dot: 40,
  not: 45,
  lbrace: 50,
  lbracket: 55,
  lparen: 60,
};
const PROJECTION_STOP = 10;

const node = (type: string, children: Node["children"] = [], value?: unknown): Node =>
  value === undefined ? { type, children } : { type, children, value };
const identity = () => node("identity");

export function parse(expression: string): Node {
  return new Parser(tokenize(expression)).parse();
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const parsed = this.expression(0);
    if (this.current() !== "eof") {
      const t = this.token(0);
      throw this.error(t, `Unexpected token: ${String(t.value)}`);
    }
    return parsed;
  }

  private current(): string {
    return this.tokens[this.index].type;
  }
  private lookahead(n: number): string {
    return this.tokens[this.index + n].type;
  }
  private token(n: number): Token {
    return this.tokens[this.index + n < 0 ? this.tokens.length + this.index + n : this.index + n];
  }
  private advance(): void {
    this.index++;
  }
  private error(t: Token, message: string): JmesError {
    return new JmesError(
      "syntax",
      `${message} (token ${JSON.stringify(String(t.value))}, ${t.type})`,
      t.start,
    );
  }
  private incomplete(): JmesError {
    return new JmesError("syntax", "Incomplete expression", this.tokens.at(-1)!.start);
  }

  private expression(bindingPower = 0): Node {
    const leftToken = this.token(0);
    this.advance();
    let left = this.nud(leftToken);
    let current = this.current();
    while (bindingPower < BINDING_POWER[current]) {
      this.advance();
      left = this.led(current, left);
      current = this.current();
    }
    return left;
  }

  private nud(t: Token): Node {
    switch (t.type) {
      case "literal":
        return node("literal", [], t.value);
      case "unquoted_identifier":
        return node("field", [], t.value);
      case "quoted_identifier": {
        const field = node("field", [], t.value);
        if (this.current() === "lparen") {
          const n = this.token(0);
          throw new JmesError(
            "syntax",
            `Quoted identifier not allowed for function names (token "${n.value}")`,
            0,
          );
        }
        return field;
      }
      case "star": {
        const left = identity();
        const right = this.current() === "rbracket" ? identity() : this.projectionRhs(BINDING_POWER.star);
        return node("value_projection", [left, right]);
      }
      case "filter":
        return this.ledFilter(identity());
      case "lbrace":
        return this.multiSelectHash();
      case "lparen": {
        const e = this.expression();
        this.match("rparen");
        return e;
      }
      case "flatten": {
        const left = node("flatten", [identity()]);
        return node("projection", [left, this.projectionRhs(BINDING_POWER.flatten)]);
      }
      case "not":
        return node("not_expression", [this.expression(BINDING_POWER.not)]);
      case "lbracket": {
        if (this.current() === "number" || this.current() === "colon") {
          return this.projectIfSlice(identity(), this.indexExpression());
        }
        if (this.current() === "star" && this.lookahead(1) === "rbracket") {
          this.advance();
          this.advance();
          return node("projection", [identity(), this.projectionRhs(BINDING_POWER.star)]);
        }
        return this.multiSelectList();
      }
      case "current":
        return node("current");
      case "expref":
        return node("expref", [this.expression(BINDING_POWER.expref)]);
      default:
        if (t.type === "eof") throw this.incomplete();
        throw this.error(t, "invalid token");
    }
  }

  private led(type: string, left: Node): Node {
    switch (type) {
      case "dot": {
        if (this.current() !== "star") {
          const right = this.dotRhs(BINDING_POWER.dot);
          if (left.type === "subexpression") {
            left.children.push(right);
            return left;
          }
          return node("subexpression", [left, right]);
        }
        this.advance();
        return node("value_projection", [left, this.projectionRhs(BINDING_POWER.dot)]);
      }
      case "pipe":
        return node("pipe", [left, this.expression(BINDING_POWER.pipe)]);
      case "or":
        return node("or_expression", [left, this.expression(BINDING_POWER.or)]);
      case "and":
        return node("and_expression", [left, this.expression(BINDING_POWER.and)]);
      case "lparen": {
        if (left.type !== "field") {
          const prev = this.token(-2);
          throw new JmesError("syntax", `Invalid function name '${String(prev.value)}'`, prev.start);
        }
        const args: Node[] = [];
        while (this.current() !== "rparen") {
          const e = this.expression();
          if (this.current() === "comma") this.match("comma");
          args.push(e);
        }
        this.match("rparen");
        return node("function_expression", args, left.value);
      }
      case "filter":
        return this.ledFilter(left);
      case "eq":
      case "ne":
      case "gt":
      case "gte":
      case "lt":
      case "lte":
        return node("comparator", [left, this.expression(BINDING_POWER[type])], type);
      case "flatten":
        return node("projection", [node("flatten", [left]), this.projectionRhs(BINDING_POWER.flatten)]);
      case "lbracket": {
        const t = this.token(0);
        if (t.type === "number" || t.type === "colon") {
          const right = this.indexExpression();
          if (left.type === "index_expression") {
            left.children.push(right);
            return left;
          }
          return this.projectIfSlice(left, right);
        }
        this.match("star");
        this.match("rbracket");
        return node("projection", [left, this.projectionRhs(BINDING_POWER.star)]);
      }
      default:
        // A token with a binding power but no left-denotation (star, not, lbrace): jmespath.py's _error_led_token.
        this.index--;
        throw this.error(this.token(0), "invalid token");
    }
  }

  private ledFilter(left: Node): Node {
    const condition = this.expression(0);
    this.match("rbracket");
    const right = this.current() === "flatten" ? identity() : this.projectionRhs(BINDING_POWER.filter);
    return node("filter_projection", [left, right, condition]);
  }

  private indexExpression(): Node {
    if (this.lookahead(0) === "colon" || this.lookahead(1) === "colon") return this.sliceExpression();
    const n = node("index", [], this.token(0).value);
    this.advance();
    this.match("rbracket");
    return n;
  }

  private sliceExpression(): Node {
    const parts: (number | null)[] = [null, null, null];
    let index = 0;
    let current = this.current();
    while (current !== "rbracket" && index < 3) {
      if (current === "colon") {
        index++;
        // `[:::]` and more colons: a syntax error in jmespath.py.
        if (index === 3) throw this.error(this.token(0), "syntax error");
        this.advance();
      } else if (current === "number") {
        parts[index] = this.token(0).value as number;
        this.advance();
      } else throw this.error(this.token(0), "syntax error");
      current = this.current();
    }
    this.match("rbracket");
    return node("slice", parts);
  }

  private projectIfSlice(left: Node, right: Node): Node {
    const indexExpr = node("index_expression", [left, right]);
    if (right.type === "slice")
      return node("projection", [indexExpr, this.projectionRhs(BINDING_POWER.star)]);
    return indexExpr;
  }

  private multiSelectList(): Node {
    const expressions: Node[] = [];
    for (;;) {
      expressions.push(this.expression());
      if (this.current() === "rbracket") break;
      this.match("comma");
    }
    this.match("rbracket");
    return node("multi_select_list", expressions);
  }

  private multiSelectHash(): Node {
    const pairs: Node[] = [];
    for (;;) {
      const key = this.token(0);
      this.matchMultiple(["quoted_identifier", "unquoted_identifier"]);
      this.match("colon");
      const value = this.expression(0);
      pairs.push(node("key_val_pair", [value], key.value));
      if (this.current() === "comma") this.match("comma");
      else if (this.current() === "rbrace") {
        this.match("rbrace");
        break;
      }
    }
    return node("multi_select_dict", pairs);
  }

  private projectionRhs(bindingPower: number): Node {
    const current = this.current();
    if (BINDING_POWER[current] < PROJECTION_STOP) return identity();
    if (current === "lbracket" || current === "filter") return this.expression(bindingPower);
    if (current === "dot") {
      this.match("dot");
      return this.dotRhs(bindingPower);
    }
    throw this.error(this.token(0), "syntax error");
  }

  private dotRhs(bindingPower: number): Node {
    const lookahead = this.current();
    if (lookahead === "quoted_identifier" || lookahead === "unquoted_identifier" || lookahead === "star")
      return this.expression(bindingPower);
    if (lookahead === "lbracket") {
      this.match("lbracket");
      return this.multiSelectList();
    }
    if (lookahead === "lbrace") {
      this.match("lbrace");
      return this.multiSelectHash();
    }
    const t = this.token(0);
    throw this.error(
      t,
      `Expecting: quoted_identifier, unquoted_identifier, lbracket, lbrace; got: ${t.type}`,
    );
  }

  private match(type: string): void {
    if (this.current() === type) this.advance();
    else this.maybeEof(type, this.token(0));
  }

  private matchMultiple(types: string[]): void {
    if (!types.includes(this.current())) this.maybeEof(types.join(" or "), this.token(0));
    this.advance();
  }

  private maybeEof(expected: string, t: Token): never {
    if (t.type === "eof") throw this.incomplete();
    throw this.error(t, `Expecting: ${expected}, got: ${t.type}`);
  }
}
