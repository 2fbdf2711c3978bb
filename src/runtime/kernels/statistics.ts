/**
 * Order statistics and counting: NthElement (the n-th smallest, or with
 * `reverse` the n-th largest, value along the last dimension) and
 * HistogramFixedWidth (counts in `nbins` equal bins over value_range, values
 * outside it counted in the first or last bin), with TF's checks and
 * arithmetic (the bin index is computed in double from the clamped value,
 * step = hi/nbins - lo/nbins, as TF's CPU functor does).
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor } from "../tensor.js";
import { DataType, cppDtypeName, npDtypeOf } from "../../dtypes.js";
import { zeros } from "../../ndarray.js";

const D = DataType;

const REAL = new Set<number>([
  D.DT_FLOAT, D.DT_DOUBLE, D.DT_HALF, D.DT_BFLOAT16, D.DT_INT8, D.DT_INT16, D.DT_INT32, D.DT_INT64,
  D.DT_UINT8, D.DT_UINT16, D.DT_UINT32, D.DT_UINT64,
]);

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** Values as numbers, or bigints for 64-bit integers (exact either way). */
function exactValues(t: Tensor): (number | bigint)[] {
  const d = t.host().data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Array.from(d);
  return t.numbers();
}

function nthElement(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  const nT = ctx.inputs[1];
  if (!REAL.has(x.dtype)) throw ctx.error("InvalidArgumentError", `NthElement is not defined for ${cppDtypeName(x.dtype)} tensors`);
  if (nT.rank !== 0) throw ctx.error("InvalidArgumentError", `N must be scalar, got shape ${shapeStr(nT.shape)}`);
  let n = nT.scalarNumber();
  if (n < 0) throw ctx.error("InvalidArgumentError", `Need n >= 0, got ${n}`);
  if (x.rank < 1) throw ctx.error("InvalidArgumentError", `Input must be >= 1-D, got shape ${shapeStr(x.shape)}`);
  const last = x.shape[x.rank - 1];
  if (last <= n) throw ctx.error("InvalidArgumentError", `Input must have at least n+1 columns`);
  if (ctx.attrs.bool("reverse", false)) n = last - n - 1;
  const vals = exactValues(x);
  const rows = last === 0 ? 0 : x.size / last;
  const out: (number | bigint)[] = new Array(rows);
  const cmp = (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0);
  for (let r = 0; r < rows; r++) {
    const row = vals.slice(r * last, (r + 1) * last);
    if (typeof row[0] === "number") (row as number[]).sort((a, b) => (Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b));
    else row.sort(cmp);
    out[r] = row[n];
  }
  return [Tensor.fromValues(x.dtype, x.shape.slice(0, -1), out)];
}

function histogramFixedWidth(ctx: KernelContext): Tensor[] {
  const [values, range, nbinsT] = ctx.inputs;
  if (!REAL.has(values.dtype)) throw ctx.error("InvalidArgumentError", `HistogramFixedWidth is not defined for ${cppDtypeName(values.dtype)} tensors`);
  if (range.rank !== 1) throw ctx.error("InvalidArgumentError", "value_range should be a vector.");
  if (range.size !== 2) throw ctx.error("InvalidArgumentError", "value_range should be a vector of 2 elements.");
  if (nbinsT.rank !== 0) throw ctx.error("InvalidArgumentError", "nbins should be a scalar.");
  const outDt = ctx.attrs.type("dtype", D.DT_INT32);
  if (outDt !== D.DT_INT32 && outDt !== D.DT_INT64) throw ctx.error("InvalidArgumentError", `HistogramFixedWidth's dtype must be int32 or int64, got ${cppDtypeName(outDt)}`);
  const [lo, hi] = exactValues(range);
  const nbins = nbinsT.scalarNumber();
  if (!(lo < hi)) throw ctx.error("InvalidArgumentError", `value_range should satisfy value_range[0] < value_range[1], but got '[${lo}, ${hi}]'`);
  if (nbins <= 0) throw ctx.error("InvalidArgumentError", `nbins should be a positive number, but got '${nbins}'`);
  const counts = new Float64Array(nbins);
  const vals = exactValues(values);
  if (nbins === 1) counts[0] = vals.length;
  else {
    for (const v of vals) if (typeof v === "number" && Number.isNaN(v)) throw ctx.error("InvalidArgumentError", "Histogram values must not contain NaN");
    const lod = Number(lo);
    const step = Number(hi) / nbins - lod / nbins;
    for (const v of vals) {
      const c = v < lo ? lo : v > hi ? hi : v; // clamped in T, then converted to double
      const idx = Math.min((Number(c) - lod) / step, nbins - 1);
      counts[Math.trunc(idx)]++;
    }
  }
  const out = zeros(npDtypeOf(outDt)!, [nbins]);
  const o = out.data as Int32Array | BigInt64Array;
  for (let i = 0; i < nbins; i++) o[i] = (outDt === D.DT_INT64 ? BigInt(counts[i]) : counts[i]) as never;
  return [Tensor.fromHost(outDt, out)];
}

export const statisticsKernels: KernelTable = {
  NthElement: op("values", nthElement),
  HistogramFixedWidth: op("out", histogramFixedWidth),
};
