/**
 * Reference cases written by scripts/make-kernel-refs-signal.py: loading,
 * building the input tensors and comparing outputs with a tolerance.
 */
import { readFileSync } from "node:fs";
import * as assert from "uvu/assert";
import { tensor, attr, DataType, Tensor } from "./ops.js";
import type { AttrValue } from "../../src/proto/gen/graph_pb.js";

export interface TData {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}
export interface RefCase {
  op: string;
  name: string;
  inputs: TData[];
  attrs: Record<string, unknown>;
  outputs: TData[];
}

export const DT: Record<string, number> = {
  float: DataType.DT_FLOAT,
  double: DataType.DT_DOUBLE,
  half: DataType.DT_HALF,
  bfloat16: DataType.DT_BFLOAT16,
  int32: DataType.DT_INT32,
  int64: DataType.DT_INT64,
  bool: DataType.DT_BOOL,
  complex64: DataType.DT_COMPLEX64,
  complex128: DataType.DT_COMPLEX128,
  qint8: DataType.DT_QINT8,
  quint8: DataType.DT_QUINT8,
  qint16: DataType.DT_QINT16,
  quint16: DataType.DT_QUINT16,
  qint32: DataType.DT_QINT32,
};

export function loadCases(file: string): RefCase[] {
  return JSON.parse(readFileSync(new URL(`../data/kernels/${file}`, import.meta.url), "utf8"));
}

const num = (v: number | string): number => (typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity);

export function toTensor(d: TData): Tensor {
  const dt = DT[d.dtype];
  if (d.dtype === "complex64" || d.dtype === "complex128") {
    // interleaved (re, im): build the host array directly
    const t = tensor(dt, d.shape, new Array(d.shape.reduce((p, v) => p * v, 1)).fill(0));
    const data = t.host().data as Float32Array | Float64Array;
    d.values.forEach((v, i) => (data[i] = num(v)));
    return t;
  }
  return tensor(dt, d.shape, d.dtype === "int64" ? d.values.map((v) => BigInt(v)) : d.values.map(num));
}

/** Attrs: type names become type attrs, lists int lists, strings strs, numbers in `floatAttrs` floats. */
export function attrsOf(c: RefCase, floatAttrs: ReadonlySet<string> = new Set()): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(c.attrs)) {
    if (Array.isArray(v)) out[k] = attr.ints(v as number[]);
    else if (typeof v === "string") out[k] = DT[v] !== undefined && k !== "mode" && k !== "round_mode" ? attr.type(DT[v]) : attr.str(v);
    else if (typeof v === "boolean") out[k] = attr.bool(v);
    else if (floatAttrs.has(k)) out[k] = attr.float(v as number);
    else out[k] = attr.int(v as number);
  }
  return out;
}

export interface Tolerance {
  /** absolute tolerance relative to the largest |expected| of the output (signal-magnitude relative) */
  peak?: number;
  /** per-element relative tolerance */
  rel?: number;
  /** absolute tolerance */
  abs?: number;
}

/** Compares `actual` with `want`: exact for integers, else |a-w| <= abs + rel|w| + peak·max|w|; NaN matches NaN. */
export function expectClose(actual: Tensor, want: TData, tol: Tolerance, label: string): void {
  assert.equal(actual.dtype, DT[want.dtype], `${label}: dtype`);
  assert.equal(actual.shape, want.shape, `${label}: shape`);
  const complex = want.dtype === "complex64" || want.dtype === "complex128";
  const got: number[] = complex ? Array.from(actual.host().data as Float32Array | Float64Array) : actual.numbers();
  const w = want.values.map(num);
  let peak = 0;
  for (const v of w) if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
  const bound = (x: number) => (tol.abs ?? 0) + (tol.rel ?? 0) * Math.abs(x) + (tol.peak ?? 0) * peak;
  for (let i = 0; i < got.length; i++) {
    const a = got[i];
    const e = w[i];
    const ok = a === e || (Number.isNaN(a) && Number.isNaN(e)) || Math.abs(a - e) <= bound(e);
    if (!ok) assert.unreachable(`${label}: [${i}] got ${a}, want ${e} (tolerance ${bound(e)})`);
  }
}
