/**
 * tfdbg's debug ops, which TF inserts (or a model keeps) to watch tensors:
 * DebugIdentity, DebugIdentityV2 and DebugNanCount.
 *
 * In TF they also publish the tensor to their `debug_urls` (file:// dumps,
 * grpc:// streams) or, for V2, to the tfdbg2 event files of the dump root.
 * A SavedModel is untrusted and tfsm does no file or network I/O on its
 * behalf outside the ops that declare fileAccess, so here they only compute
 * their output: the input unchanged (DebugIdentity, DebugIdentityV2) or its
 * NaN count (DebugNanCount). Nothing is written anywhere, whatever the
 * attributes say; the graph's outputs are what TF computes.
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor, isFloatDtype } from "../tensor.js";
import { DataType } from "../../dtypes.js";

function passThrough(ctx: KernelContext): Tensor[] {
  return [ctx.inputs[0]];
}

function nanCount(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  let n = 0;
  if (isFloatDtype(x.dtype)) {
    for (const v of x.numbers()) if (Number.isNaN(v)) n++;
  } else if (x.dtype === DataType.DT_COMPLEX64 || x.dtype === DataType.DT_COMPLEX128) {
    const d = x.host().data as Float32Array | Float64Array;
    for (let i = 0; i < x.size; i++) if (Number.isNaN(d[2 * i]) || Number.isNaN(d[2 * i + 1])) n++;
  } // integers, bools and strings have no NaN
  return [Tensor.scalar(DataType.DT_INT64, BigInt(n))];
}

export const debugKernels: KernelTable = {
  DebugIdentity: op("output", passThrough),
  DebugIdentityV2: op("output", passThrough),
  DebugNanCount: op("output", nanCount),
};
