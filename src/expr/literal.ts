/**
 * `ast.literal_eval` (CPython 3.11) over our AST: constants, tuples, lists,
 * sets, dicts, `set()`, unary +/- on numbers and `<real> ± <complex>` sums.
 * Everything else is "malformed". This is what saved_model_cli ≥ 2.9 runs on
 * every `--input_exprs` / `--input_examples` value.
 */
import { TfsmError } from "../errors.js";
import { type Node, parseExpression, ParseError } from "./parse.js";
import { type PyValue, PY_ELLIPSIS, PyComplex, PyDict, PyList, PySet, PyTuple } from "./values.js";
import { intToFloat } from "./convert.js";

/** Why a literal was refused (kept as the error's cause; the user sees saved_model_cli's one-line text). */
export class MalformedLiteral extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = "MalformedLiteral";
  }
}

function malformed(node: Node): MalformedLiteral {
  return new MalformedLiteral(`malformed node or string: ${node.type} at column ${node.pos + 1}`, node.pos);
}

/** A number literal's value (int, float, imaginary), or undefined for any other node. */
function numberValue(node: Node): bigint | number | PyComplex | undefined {
  switch (node.type) {
    case "Int":
    case "Float":
      return node.value;
    case "Imag":
      return new PyComplex(0, node.value);
    default:
      return undefined;
  }
}

/**
 * A constant's value (number, string, bytes, True/False/None, `...`), or
 * undefined for any other node: the same in literal_eval and in the full
 * evaluator (eval.ts).
 */
export function constantValue(node: Node): PyValue | undefined {
  switch (node.type) {
    case "Str":
    case "Bytes":
      return node.value;
    case "Const":
      return node.value === "..." ? PY_ELLIPSIS : node.value;
    default:
      return numberValue(node);
  }
}

function convertNum(node: Node): bigint | number | PyComplex {
  const v = numberValue(node);
  if (v === undefined) throw malformed(node);
  return v;
}

function negate(v: bigint | number | PyComplex): bigint | number | PyComplex {
  if (typeof v === "bigint") return -v;
  if (typeof v === "number") return -v;
  return new PyComplex(-v.re, -v.im);
}

function convertSignedNum(node: Node): bigint | number | PyComplex {
  if (node.type === "Unary" && (node.op === "+" || node.op === "-")) {
    const operand = convertNum(node.operand);
    return node.op === "+" ? operand : negate(operand);
  }
  return convertNum(node);
}

/** Evaluates a parsed expression with `ast.literal_eval` rules. */
export function literalEvalNode(node: Node): PyValue {
  const constant = constantValue(node);
  if (constant !== undefined) return constant;
  switch (node.type) {
    case "Tuple":
      return new PyTuple(node.elts.map(literalEvalNode));
    case "List":
      return new PyList(node.elts.map(literalEvalNode));
    case "Set": {
      const s = new PySet();
      for (const e of node.elts) s.add(literalEvalNode(e));
      return s;
    }
    case "Call":
      if (node.func.type === "Name" && node.func.id === "set" && node.args.length === 0 && node.kwargs.length === 0)
        return new PySet();
      throw malformed(node);
    case "Dict": {
      // dict(zip(map(_convert, keys), map(_convert, values))): all keys, then all values, then insertion
      const keys = node.keys.map(literalEvalNode);
      const values = node.values.map(literalEvalNode);
      const d = new PyDict();
      keys.forEach((k, i) => d.set(k, values[i]));
      return d;
    }
    case "Bin":
      if (node.op === "+" || node.op === "-") {
        const left = convertSignedNum(node.left);
        const right = convertNum(node.right);
        if ((typeof left === "bigint" || typeof left === "number") && right instanceof PyComplex) {
          const l = typeof left === "bigint" ? intToFloat(left) : left;
          return node.op === "+" ? new PyComplex(l + right.re, 0 + right.im) : new PyComplex(l - right.re, 0 - right.im);
        }
      }
      return convertSignedNum(node);
    default:
      return convertSignedNum(node);
  }
}

/**
 * `ast.literal_eval(expr)` — any failure (syntax, malformed node, unhashable
 * key, …) becomes saved_model_cli's
 * `RuntimeError: Expression "<expr>" is not a valid python literal.`
 */
export function literalEval(expr: string): PyValue {
  try {
    return literalEvalNode(parseExpression(expr));
  } catch (e) {
    if (e instanceof ParseError || e instanceof MalformedLiteral || e instanceof TfsmError || e instanceof RangeError)
      throw new TfsmError("RuntimeError", `Expression "${expr}" is not a valid python literal.`, { cause: e });
    throw e;
  }
}
