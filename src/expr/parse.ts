/**
 * Tokenizer and recursive-descent parser for the Python expression subset used
 * by `--input_exprs`: literals (every int/float/complex spelling, strings and
 * bytes with all prefixes and escapes, implicit concatenation), containers,
 * unary/binary arithmetic with Python precedence, attribute access, calls with
 * keyword arguments, subscripts and slices.
 *
 * The tokenizer follows CPython 3.11's rules closely enough that every input
 * `ast.literal_eval` accepts parses here and the result is the same; syntax
 * outside the subset (comparisons, boolean operators, lambdas, f-strings,
 * comprehensions …) is reported as unsupported. Nothing here evaluates.
 *
 * Positions are 0-based offsets into the (newline-normalised) source; errors
 * carry them so callers can say "at column N" (1-based).
 */

export type BinOp = "+" | "-" | "*" | "/" | "//" | "%" | "**" | "@";
export type UnaryOp = "+" | "-" | "~";

export type Node =
  | { type: "Int"; value: bigint; pos: number }
  | { type: "Float"; value: number; pos: number }
  | { type: "Imag"; value: number; pos: number }
  | { type: "Str"; value: string; pos: number }
  | { type: "Bytes"; value: Uint8Array; pos: number }
  | { type: "Const"; value: null | boolean | "..."; pos: number }
  | { type: "Name"; id: string; pos: number }
  | { type: "List" | "Tuple" | "Set"; elts: Node[]; pos: number }
  | { type: "Dict"; keys: Node[]; values: Node[]; pos: number }
  | { type: "Unary"; op: UnaryOp; operand: Node; pos: number }
  | { type: "Bin"; op: BinOp; left: Node; right: Node; pos: number }
  | { type: "Attr"; value: Node; attr: string; pos: number }
  | { type: "Call"; func: Node; args: Node[]; kwargs: { name: string; value: Node; pos: number }[]; pos: number }
  | { type: "Subscript"; value: Node; index: Node; pos: number }
  | { type: "Slice"; lower: Node | null; upper: Node | null; step: Node | null; pos: number };

/** A syntax error at a source offset. `unsupported` marks valid Python that is outside the subset. */
export class ParseError extends Error {
  constructor(
    readonly reason: string,
    readonly pos: number,
    readonly unsupported = false,
  ) {
    super(`${reason} at column ${pos + 1}`);
    this.name = "ParseError";
  }
}

/** Limits: Python's tokenizer allows 200 nested brackets; unary chains and total input length are bounded too. */
export const MAX_NESTING = 200;
export const MAX_UNARY_DEPTH = 1000;
export const MAX_SOURCE_LENGTH = 1 << 20;
/** CPython refuses decimal int literals longer than this (sys.int_info.default_max_str_digits). */
export const MAX_INT_LITERAL_DIGITS = 4300;

// ---------------------------------------------------------------------------
// tokens

type Tok =
  | { t: "num"; node: Node; pos: number; end: number }
  | { t: "str"; value: string | Uint8Array; bytes: boolean; fstring: boolean; pos: number; end: number }
  | { t: "name"; id: string; pos: number; end: number }
  | { t: "op"; op: string; pos: number; end: number }
  | { t: "newline"; pos: number; end: number }
  | { t: "end"; pos: number; end: number };

const KEYWORDS = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
  "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
  "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
]);

const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}_\u00B7\u0387\u1369-\u1371\u19DA]/u;
const NAME_RE = /[\p{ID_Start}_][\p{ID_Continue}_\u00B7\u0387\u1369-\u1371\u19DA]*/uy;

const HEX_RE = /0[xX](?:_?[0-9a-fA-F])+/y;
const OCT_RE = /0[oO](?:_?[0-7])+/y;
const BIN_RE = /0[bB](?:_?[01])+/y;
const DIGITS = "[0-9](?:_?[0-9])*";
const EXP = `[eE][-+]?${DIGITS}`;
const POINTFLOAT_RE = new RegExp(`(?:${DIGITS}\\.(?:${DIGITS})?|\\.${DIGITS})(?:${EXP})?[jJ]?`, "y");
const EXPFLOAT_RE = new RegExp(`${DIGITS}${EXP}[jJ]?`, "y");
const IMAG_RE = new RegExp(`${DIGITS}[jJ]`, "y");
const DECINT_RE = /(?:0(?:_?0)*|[1-9](?:_?[0-9])*)/y;

const OPERATORS = [
  "**=", "//=", ">>=", "<<=", "...", "!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//", "/=", ":=", "<<", "<=",
  "==", ">=", ">>", "@=", "^=", "|=", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "+", "-", "*", "/", "%", "@",
  "~", "=", "<", ">", "&", "|", "^",
];

const OP3 = new Set(OPERATORS.filter((o) => o.length === 3));
const OP2 = new Set(OPERATORS.filter((o) => o.length === 2));
const OP1 = new Set(OPERATORS.filter((o) => o.length === 1));

function stickyMatch(re: RegExp, s: string, pos: number): string | null {
  re.lastIndex = pos;
  const m = re.exec(s);
  return m ? m[0] : null;
}

function isIdContinueAt(s: string, pos: number): boolean {
  const cp = s.codePointAt(pos);
  if (cp === undefined) return false;
  return ID_CONTINUE.test(String.fromCodePoint(cp));
}

const SIMPLE_ESCAPES: Record<string, number> = { "\\": 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

class Tokenizer {
  private pos = 0;
  private depth = 0;
  private readonly open: number[] = [];
  private lineStart = true;
  readonly toks: Tok[] = [];

  constructor(
    private readonly src: string,
    start = 0,
  ) {
    this.pos = start;
  }

  run(): Tok[] {
    const s = this.src;
    for (;;) {
      // whitespace, comments, continuation lines
      if (this.lineStart && this.depth === 0) {
        // measure indentation of a new logical line
        let p = this.pos;
        while (p < s.length && (s[p] === " " || s[p] === "\t" || s[p] === "\f")) p++;
        const blank = p >= s.length || s[p] === "\n" || s[p] === "#" || (s[p] === "\\" && s[p + 1] === "\n");
        if (!blank && p > this.pos) throw new ParseError("unexpected indent", p);
        this.pos = p;
      }
      this.lineStart = false;
      this.skipSpace();
      if (this.pos >= s.length) break;
      const c = s[this.pos];
      const start = this.pos;
      if (c === "\n") {
        this.pos++;
        if (this.depth === 0) {
          const last = this.toks[this.toks.length - 1];
          if (last && last.t !== "newline") this.toks.push({ t: "newline", pos: start, end: this.pos });
          this.lineStart = true;
        }
        continue;
      }
      if ((c >= "0" && c <= "9") || (c === "." && s[this.pos + 1] >= "0" && s[this.pos + 1] <= "9")) {
        this.number();
        continue;
      }
      if (c === '"' || c === "'") {
        this.string("");
        continue;
      }
      const cp = s.codePointAt(this.pos)!;
      const ch = String.fromCodePoint(cp);
      if ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || (cp > 0x7f && ID_START.test(ch))) {
        const name = stickyMatch(NAME_RE, s, this.pos)!;
        const next = s[this.pos + name.length];
        if ((next === '"' || next === "'") && /^(?:[rRuUfFbB]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])$/.test(name)) {
          this.pos += name.length;
          this.string(name.toLowerCase());
          continue;
        }
        this.pos += name.length;
        this.toks.push({ t: "name", id: name.normalize("NFKC"), pos: start, end: this.pos });
        continue;
      }
      const op = OP3.has(s.substr(this.pos, 3))
        ? s.substr(this.pos, 3)
        : OP2.has(s.substr(this.pos, 2))
          ? s.substr(this.pos, 2)
          : OP1.has(c)
            ? c
            : undefined;
      if (op) {
        if (op === "(" || op === "[" || op === "{") {
          if (++this.depth > MAX_NESTING) throw new ParseError("too many nested parentheses", start);
          this.open.push(start);
        } else if (op === ")" || op === "]" || op === "}") {
          if (this.depth === 0) throw new ParseError(`unmatched '${op}'`, start);
          const o = this.open.pop()!;
          const want = { "(": ")", "[": "]", "{": "}" }[s[o] as "(" | "[" | "{"];
          if (want !== op) throw new ParseError(`closing '${op}' does not match '${s[o]}' at column ${o + 1}`, start);
          this.depth--;
        }
        this.pos += op.length;
        this.toks.push({ t: "op", op, pos: start, end: this.pos });
        continue;
      }
      if (c === "\\") throw new ParseError("unexpected character after line continuation character", start);
      const hex = cp.toString(16).toUpperCase().padStart(4, "0");
      if (/[\p{C}\p{Z}]/u.test(ch)) throw new ParseError(`invalid non-printable character U+${hex}`, start);
      throw new ParseError(`invalid character '${ch}' (U+${hex})`, start);
    }
    if (this.depth > 0) {
      const o = this.open[this.open.length - 1];
      throw new ParseError(`unexpected end ('${s[o]}' at column ${o + 1} is never closed)`, s.length);
    }
    const last = this.toks[this.toks.length - 1];
    if (last && last.t !== "newline") this.toks.push({ t: "newline", pos: s.length, end: s.length });
    this.toks.push({ t: "end", pos: s.length, end: s.length });
    return this.toks;
  }

  private skipSpace(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === " " || c === "\t" || c === "\f") this.pos++;
      else if (c === "#") {
        while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
      } else if (c === "\\" && s[this.pos + 1] === "\n") {
        this.pos += 2;
        if (this.pos >= s.length) throw new ParseError("unexpected end of input after line continuation", this.pos);
      } else if (c === "\\" && this.pos + 1 >= s.length) {
        throw new ParseError("unexpected end of input after line continuation", this.pos);
      } else return;
    }
  }

  private number(): void {
    const s = this.src;
    const start = this.pos;
    let text: string | null = null;
    let kind: "int" | "float" | "imag" = "int";
    for (const re of [HEX_RE, OCT_RE, BIN_RE]) {
      const m = stickyMatch(re, s, start);
      if (m) {
        text = m;
        break;
      }
    }
    if (text === null) {
      const cands = [stickyMatch(POINTFLOAT_RE, s, start), stickyMatch(EXPFLOAT_RE, s, start), stickyMatch(IMAG_RE, s, start)];
      let best: string | null = null;
      for (const m of cands) if (m && (!best || m.length > best.length)) best = m;
      const int = stickyMatch(DECINT_RE, s, start);
      if (best && (!int || best.length > int.length)) {
        text = best;
        kind = /[jJ]$/.test(best) ? "imag" : "float";
      } else text = int;
    }
    if (text === null) throw new ParseError("invalid decimal literal", start);
    const end = start + text.length;
    if (isIdContinueAt(s, end) || (kind === "int" && /^0+$/.test(text.replace(/_/g, "")) && /[0-9]/.test(s[end] ?? ""))) {
      const what = /^0[xX]/.test(text) ? "hexadecimal" : /^0[oO]/.test(text) ? "octal" : /^0[bB]/.test(text) ? "binary" : kind === "imag" ? "imaginary" : "decimal";
      throw new ParseError(
        /^0+$/.test(text.replace(/_/g, "")) && /[0-9]/.test(s[end] ?? "")
          ? "leading zeros in decimal integer literals are not permitted"
          : `invalid ${what} literal`,
        start,
      );
    }
    const clean = text.replace(/_/g, "");
    let node: Node;
    if (kind === "int") {
      if (!/^0[xXoObB]/.test(clean) && clean.replace(/^0+(?=.)/, "").length > MAX_INT_LITERAL_DIGITS)
        throw new ParseError(
          `Exceeds the limit (${MAX_INT_LITERAL_DIGITS} digits) for integer string conversion: value has ${clean.length} digits`,
          start,
        );
      node = { type: "Int", value: BigInt(clean), pos: start };
    } else if (kind === "float") node = { type: "Float", value: Number(clean), pos: start };
    else node = { type: "Imag", value: Number(clean.slice(0, -1)), pos: start };
    this.pos = end;
    this.toks.push({ t: "num", node, pos: start, end });
  }

  /** Reads a string literal whose (lower-case) prefix has been consumed; `this.pos` is at the quote. */
  private string(prefix: string): void {
    const s = this.src;
    const start = this.pos - prefix.length;
    const q = s[this.pos];
    const triple = s.startsWith(q + q + q, this.pos);
    const quote = triple ? q + q + q : q;
    const raw = prefix.includes("r");
    const isBytes = prefix.includes("b");
    const fstring = prefix.includes("f");
    let p = this.pos + quote.length;
    const bodyStart = p;
    for (;;) {
      if (p >= s.length)
        throw new ParseError(triple ? "unterminated triple-quoted string literal" : "unterminated string literal", start);
      const c = s[p];
      if (c === "\\") {
        p += 2;
        continue;
      }
      if (!triple && c === "\n") throw new ParseError("unterminated string literal", start);
      if (s.startsWith(quote, p)) break;
      p++;
    }
    const body = s.slice(bodyStart, p);
    this.pos = p + quote.length;
    let value: string | Uint8Array;
    if (isBytes) {
      for (let i = 0; i < body.length; i++)
        if (body.charCodeAt(i) > 0x7f) throw new ParseError("bytes can only contain ASCII literal characters", start);
      value = raw ? Uint8Array.from(body, (ch) => ch.charCodeAt(0)) : decodeBytesEscapes(body, bodyStart);
    } else value = raw || fstring ? body : decodeStrEscapes(body, bodyStart);
    this.toks.push({ t: "str", value, bytes: isBytes, fstring, pos: start, end: this.pos });
  }
}

function decodeStrEscapes(body: string, offset: number): string {
  let out = "";
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    if (e === "\n") {
      i += 2;
    } else if (e in SIMPLE_ESCAPES) {
      out += String.fromCharCode(SIMPLE_ESCAPES[e]);
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4))![0];
      out += String.fromCharCode(parseInt(m, 8));
      i += 1 + m.length;
    } else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex))
        throw new ParseError(`(unicode error) truncated \\${e}${"X".repeat(n)} escape`, offset + i);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new ParseError("(unicode error) illegal Unicode character", offset + i);
      out += String.fromCodePoint(cp);
      i += 2 + n;
    } else if (e === "N") {
      throw new ParseError("\\N{...} escapes (Unicode character names) are not supported", offset + i, true);
    } else {
      // unknown escape: kept verbatim (Python warns but keeps the backslash)
      out += "\\";
      i++;
    }
  }
  return out;
}

function decodeBytesEscapes(body: string, offset: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c !== "\\") {
      out.push(c.charCodeAt(0));
      i++;
      continue;
    }
    const e = body[i + 1];
    if (e === "\n") {
      i += 2;
    } else if (e in SIMPLE_ESCAPES) {
      out.push(SIMPLE_ESCAPES[e]);
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4))![0];
      out.push(parseInt(m, 8) & 0xff);
      i += 1 + m.length;
    } else if (e === "x") {
      const hex = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new ParseError("invalid \\x escape", offset + i);
      out.push(parseInt(hex, 16));
      i += 4;
    } else {
      out.push(92);
      i++;
    }
  }
  return Uint8Array.from(out);
}

/** Tokenizes and parses one expression (Python `eval` mode). Leading spaces/tabs are ignored, as `ast.literal_eval` does. */
export function parseExpression(source: string): Node {
  if (source.length > MAX_SOURCE_LENGTH)
    throw new ParseError(`expression is longer than ${MAX_SOURCE_LENGTH} characters`, MAX_SOURCE_LENGTH);
  if (source.includes("\0")) throw new ParseError("source code string cannot contain null bytes", source.indexOf("\0"));
  // CPython reads \r\n and \r as \n; ast.literal_eval strips leading spaces and tabs.
  const lead = /^[ \t]*/.exec(source)![0].length;
  const src = source.replace(/\r\n?/g, "\n");
  const toks = new Tokenizer(src, lead).run();
  return new Parser(toks).parseEvalInput();
}

// ---------------------------------------------------------------------------
// parser

const UNSUPPORTED_KEYWORDS = new Set(["if", "else", "lambda", "and", "or", "not", "in", "is", "for", "await", "yield", "async"]);
const COMPARISONS = new Set(["<", ">", "==", "!=", "<=", ">="]);
const SUM_OPS: ReadonlySet<string> = new Set<BinOp>(["+", "-"]);
const TERM_OPS: ReadonlySet<string> = new Set<BinOp>(["*", "/", "//", "%", "@"]);

class Parser {
  private i = 0;
  private unaryDepth = 0;

  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private isOp(op: string): boolean {
    const t = this.toks[this.i];
    return t.t === "op" && t.op === op;
  }
  private take(): Tok {
    return this.toks[this.i++];
  }
  private expectOp(op: string, context: string): Tok {
    const t = this.peek();
    if (t.t === "op" && t.op === op) return this.take();
    throw this.unexpected(t, `expected '${op}' ${context}`);
  }

  private unexpected(t: Tok, expected?: string): ParseError {
    const tail = expected ? ` (${expected})` : "";
    switch (t.t) {
      case "end":
        return new ParseError("unexpected end" + tail, t.pos);
      case "newline":
        return new ParseError("unexpected end of line" + tail, t.pos);
      case "name":
        if (UNSUPPORTED_KEYWORDS.has(t.id)) return new ParseError(`'${t.id}' expressions are not supported`, t.pos, true);
        if (KEYWORDS.has(t.id)) return new ParseError(`unexpected keyword '${t.id}'` + tail, t.pos);
        return new ParseError(`unexpected name '${t.id}'` + tail, t.pos);
      case "num":
        return new ParseError("unexpected number" + tail, t.pos);
      case "str":
        return new ParseError("unexpected string" + tail, t.pos);
      case "op":
        if (COMPARISONS.has(t.op)) return new ParseError(`comparison '${t.op}' is not supported`, t.pos, true);
        if (t.op === "|" || t.op === "&" || t.op === "^" || t.op === "<<" || t.op === ">>")
          return new ParseError(`operator '${t.op}' is not supported`, t.pos, true);
        if (t.op === ":=") return new ParseError("assignment expressions are not supported", t.pos, true);
        if (t.op.endsWith("=") && t.op.length >= 2 && t.op !== "==")
          return new ParseError(`unexpected '${t.op}' (assignment is not an expression)`, t.pos);
        return new ParseError(`unexpected '${t.op}'` + tail, t.pos);
    }
  }

  parseEvalInput(): Node {
    if (this.peek().t === "newline" || this.peek().t === "end") throw this.unexpected(this.peek(), "expected an expression");
    const node = this.parseExpressions(false);
    while (this.peek().t === "newline") this.take();
    const t = this.peek();
    if (t.t !== "end") throw this.unexpected(t);
    return node;
  }

  /** `a, b, c` → Tuple (a bare trailing comma makes a 1-tuple). */
  private parseExpressions(allowStarStop: boolean): Node {
    const first = this.parseExpression();
    if (!this.isOp(",")) return first;
    const elts = [first];
    while (this.isOp(",")) {
      this.take();
      if (this.startsExpression()) elts.push(this.parseExpression());
      else break;
    }
    void allowStarStop;
    return { type: "Tuple", elts, pos: first.pos };
  }

  private startsExpression(): boolean {
    const t = this.peek();
    if (t.t === "num" || t.t === "str") return true;
    if (t.t === "name") return !KEYWORDS.has(t.id) || t.id === "True" || t.id === "False" || t.id === "None" || t.id === "not" || t.id === "lambda" || t.id === "await";
    if (t.t === "op") return ["(", "[", "{", "+", "-", "~", "...", "*"].includes(t.op);
    return false;
  }

  private parseExpression(): Node {
    const node = this.parseSum();
    const t = this.peek();
    // valid Python that is outside the subset gets a precise message
    if (t.t === "name" && UNSUPPORTED_KEYWORDS.has(t.id)) throw this.unexpected(t);
    if (t.t === "op" && (COMPARISONS.has(t.op) || ["|", "&", "^", "<<", ">>", ":="].includes(t.op))) throw this.unexpected(t);
    return node;
  }

  /** One precedence level of left-associative binary operators: `operand (op operand)*`. */
  private parseLeftAssoc(ops: ReadonlySet<string>, operand: () => Node): Node {
    let left = operand();
    for (;;) {
      const t = this.peek();
      if (t.t !== "op" || !ops.has(t.op)) return left;
      this.take();
      const right = operand();
      left = { type: "Bin", op: t.op as BinOp, left, right, pos: t.pos };
    }
  }

  private parseSum(): Node {
    return this.parseLeftAssoc(SUM_OPS, () => this.parseTerm());
  }

  private parseTerm(): Node {
    return this.parseLeftAssoc(TERM_OPS, () => this.parseFactor());
  }

  private parseFactor(): Node {
    const t = this.peek();
    if (t.t === "op" && (t.op === "+" || t.op === "-" || t.op === "~")) {
      this.take();
      if (++this.unaryDepth > MAX_UNARY_DEPTH) throw new ParseError("expression nested too deeply", t.pos);
      const operand = this.parseFactor();
      this.unaryDepth--;
      return { type: "Unary", op: t.op, operand, pos: t.pos };
    }
    if (t.t === "name" && t.id === "not") throw this.unexpected(t);
    return this.parsePower();
  }

  private parsePower(): Node {
    const base = this.parsePrimary();
    const t = this.peek();
    if (t.t === "op" && t.op === "**") {
      this.take();
      if (++this.unaryDepth > MAX_UNARY_DEPTH) throw new ParseError("expression nested too deeply", t.pos);
      const exp = this.parseFactor();
      this.unaryDepth--;
      return { type: "Bin", op: "**", left: base, right: exp, pos: t.pos };
    }
    return base;
  }

  private parsePrimary(): Node {
    let node = this.parseAtom();
    let chain = 0;
    for (;;) {
      const t = this.peek();
      if (t.t !== "op") return node;
      if (++chain > MAX_UNARY_DEPTH) throw new ParseError("expression nested too deeply", t.pos);
      if (t.op === ".") {
        this.take();
        const n = this.peek();
        if (n.t !== "name" || KEYWORDS.has(n.id)) throw this.unexpected(n, "expected an attribute name after '.'");
        this.take();
        node = { type: "Attr", value: node, attr: n.id, pos: n.pos };
      } else if (t.op === "(") {
        this.take();
        node = this.parseCallArgs(node, t.pos);
      } else if (t.op === "[") {
        this.take();
        const index = this.parseSubscriptList();
        this.expectOp("]", "to close the subscript");
        node = { type: "Subscript", value: node, index, pos: t.pos };
      } else return node;
    }
  }

  private parseCallArgs(func: Node, pos: number): Node {
    const args: Node[] = [];
    const kwargs: { name: string; value: Node; pos: number }[] = [];
    while (!this.isOp(")")) {
      const t = this.peek();
      if (t.t === "op" && (t.op === "*" || t.op === "**")) throw new ParseError(`'${t.op}' argument unpacking is not supported`, t.pos, true);
      const next = this.toks[this.i + 1];
      if (t.t === "name" && next.t === "op" && next.op === "=") {
        if (KEYWORDS.has(t.id)) throw new ParseError(`cannot use keyword '${t.id}' as an argument name`, t.pos);
        this.take();
        this.take();
        if (kwargs.some((k) => k.name === t.id)) throw new ParseError(`keyword argument repeated: ${t.id}`, t.pos);
        kwargs.push({ name: t.id, value: this.parseExpression(), pos: t.pos });
      } else {
        const value = this.parseExpression();
        if (kwargs.length) throw new ParseError("positional argument follows keyword argument", value.pos);
        const n = this.peek();
        if (n.t === "name" && n.id === "for") throw new ParseError("generator expressions are not supported", n.pos, true);
        args.push(value);
      }
      if (this.isOp(",")) this.take();
      else if (!this.isOp(")")) throw this.unexpected(this.peek(), "expected ',' or ')' in the argument list");
    }
    this.take();
    return { type: "Call", func, args, kwargs, pos };
  }

  private parseSubscriptList(): Node {
    const first = this.parseSliceItem();
    if (!this.isOp(",")) return first;
    const elts = [first];
    while (this.isOp(",")) {
      this.take();
      if (this.isOp("]")) break;
      elts.push(this.parseSliceItem());
    }
    return { type: "Tuple", elts, pos: first.pos };
  }

  private parseSliceItem(): Node {
    const pos = this.peek().pos;
    let lower: Node | null = null;
    if (!this.isOp(":")) {
      lower = this.parseExpression();
      if (!this.isOp(":")) return lower;
    }
    this.take(); // ':'
    let upper: Node | null = null;
    let step: Node | null = null;
    if (!this.isOp(":") && !this.isOp("]") && !this.isOp(",")) upper = this.parseExpression();
    if (this.isOp(":")) {
      this.take();
      if (!this.isOp("]") && !this.isOp(",")) step = this.parseExpression();
    }
    return { type: "Slice", lower, upper, step, pos };
  }

  private parseAtom(): Node {
    const t = this.peek();
    switch (t.t) {
      case "num":
        this.take();
        return t.node;
      case "str": {
        this.take();
        const parts = [t];
        while (this.peek().t === "str") parts.push(this.take() as typeof t);
        if (parts.some((p) => p.fstring)) throw new ParseError("f-strings are not supported", t.pos, true);
        const bytes = parts[0].bytes;
        if (parts.some((p) => p.bytes !== bytes)) throw new ParseError("cannot mix bytes and nonbytes literals", t.pos);
        if (bytes) {
          const total = parts.reduce((n, p) => n + (p.value as Uint8Array).length, 0);
          const out = new Uint8Array(total);
          let o = 0;
          for (const p of parts) {
            out.set(p.value as Uint8Array, o);
            o += (p.value as Uint8Array).length;
          }
          return { type: "Bytes", value: out, pos: t.pos };
        }
        return { type: "Str", value: parts.map((p) => p.value as string).join(""), pos: t.pos };
      }
      case "name":
        if (t.id === "True" || t.id === "False") {
          this.take();
          return { type: "Const", value: t.id === "True", pos: t.pos };
        }
        if (t.id === "None") {
          this.take();
          return { type: "Const", value: null, pos: t.pos };
        }
        if (KEYWORDS.has(t.id)) throw this.unexpected(t, "expected an expression");
        this.take();
        return { type: "Name", id: t.id, pos: t.pos };
      case "op":
        break;
      default:
        throw this.unexpected(t, "expected an expression");
    }
    switch (t.op) {
      case "...":
        this.take();
        return { type: "Const", value: "...", pos: t.pos };
      case "(": {
        this.take();
        if (this.isOp(")")) {
          this.take();
          return { type: "Tuple", elts: [], pos: t.pos };
        }
        this.rejectStar();
        const first = this.parseExpression();
        if (this.isOp(")")) {
          this.take();
          return first;
        }
        const n = this.peek();
        if (n.t === "name" && n.id === "for") throw new ParseError("generator expressions are not supported", n.pos, true);
        const elts = [first];
        while (this.isOp(",")) {
          this.take();
          if (this.isOp(")")) break;
          this.rejectStar();
          elts.push(this.parseExpression());
        }
        this.expectOp(")", "to close '(' at column " + (t.pos + 1));
        return { type: "Tuple", elts, pos: t.pos };
      }
      case "[": {
        this.take();
        const elts: Node[] = [];
        while (!this.isOp("]")) {
          this.rejectStar();
          elts.push(this.parseExpression());
          const n = this.peek();
          if (n.t === "name" && n.id === "for") throw new ParseError("list comprehensions are not supported", n.pos, true);
          if (this.isOp(",")) this.take();
          else if (!this.isOp("]")) throw this.unexpected(this.peek(), `expected ',' or ']' to close '[' at column ${t.pos + 1}`);
        }
        this.take();
        return { type: "List", elts, pos: t.pos };
      }
      case "{": {
        this.take();
        if (this.isOp("}")) {
          this.take();
          return { type: "Dict", keys: [], values: [], pos: t.pos };
        }
        if (this.isOp("**")) throw new ParseError("'**' dict unpacking is not supported", this.peek().pos, true);
        this.rejectStar();
        const first = this.parseExpression();
        if (this.isOp(":")) {
          const keys = [first];
          const values: Node[] = [];
          this.take();
          values.push(this.parseExpression());
          for (;;) {
            const n = this.peek();
            if (n.t === "name" && n.id === "for") throw new ParseError("dict comprehensions are not supported", n.pos, true);
            if (this.isOp("}")) break;
            this.expectOp(",", `or '}' to close '{' at column ${t.pos + 1}`);
            if (this.isOp("}")) break;
            if (this.isOp("**")) throw new ParseError("'**' dict unpacking is not supported", this.peek().pos, true);
            keys.push(this.parseExpression());
            this.expectOp(":", "after a dict key");
            values.push(this.parseExpression());
          }
          this.take();
          return { type: "Dict", keys, values, pos: t.pos };
        }
        const elts = [first];
        for (;;) {
          const n = this.peek();
          if (n.t === "name" && n.id === "for") throw new ParseError("set comprehensions are not supported", n.pos, true);
          if (this.isOp("}")) break;
          this.expectOp(",", `or '}' to close '{' at column ${t.pos + 1}`);
          if (this.isOp("}")) break;
          this.rejectStar();
          elts.push(this.parseExpression());
        }
        this.take();
        return { type: "Set", elts, pos: t.pos };
      }
    }
    throw this.unexpected(t, "expected an expression");
  }

  private rejectStar(): void {
    const t = this.peek();
    if (t.t === "op" && (t.op === "*" || t.op === "**")) throw new ParseError("'*' unpacking is not supported", t.pos, true);
  }
}
