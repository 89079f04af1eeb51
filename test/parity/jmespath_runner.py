"""Evaluate JMESPath cases with jmespath.py, the engine boto3's `search` uses.

Reads {"cases": [[expression, document index], ...], "documents": [...]} on stdin; writes one
outcome per case: {"ok": value} or {"error": kind, "position": n}. Floats that JSON cannot hold
(NaN, infinities) and values that are not JSON (an expression reference) are tagged, so the
TypeScript side compares them exactly.
"""

import json
import math
import sys

import jmespath
from jmespath import exceptions


def tagged(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, list):
        return [tagged(v) for v in value]
    if isinstance(value, dict):
        return {k: tagged(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"$unserializable": type(value).__name__}


def syntax(e, expression):
    if isinstance(e, exceptions.IncompleteExpressionError):
        return {"error": "syntax", "position": len(expression)}
    if isinstance(e, exceptions.LexerError):
        return {"error": "syntax", "position": e.lexer_position}
    if isinstance(e, exceptions.ParseError):
        return {"error": "syntax", "position": e.lex_position}
    return {"error": "syntax", "position": 0}


def outcome(expression, document):
    try:
        compiled = jmespath.compile(expression)
    except (exceptions.ParseError, exceptions.EmptyExpressionError) as e:
        return syntax(e, expression)
    try:
        return {"ok": tagged(compiled.search(document))}
    except exceptions.ArityError:
        return {"error": "arity"}
    except exceptions.UnknownFunctionError:
        return {"error": "function"}
    except exceptions.JMESPathTypeError:
        return {"error": "type"}
    except (TypeError, ValueError, OverflowError) as e:
        return {"error": "runtime", "python": type(e).__name__}


def main():
    req = json.load(sys.stdin)
    docs = req["documents"]
    out = [outcome(expr, docs[i]) for expr, i in req["cases"]]
    json.dump({"version": jmespath.__version__, "outcomes": out}, sys.stdout)


if __name__ == "__main__":
    main()
