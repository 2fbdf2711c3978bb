/**
 * The reference cases scripts/make-kernel-refs-{image,nn,random}.py write to
 * test/data/kernels/: dtypes by TF's C++ name (`float`, `half`, `int64`, …),
 * tensors as plain number lists, attrs as plain JSON values.
 */
import { allDtypes, cppDtypeName } from "../../src/dtypes.js";
import type { AttrValue } from "../../src/proto/gen/graph_pb.js";
import { attr, tensor } from "./ops.js";

/** DataType by the C++ name (`DataTypeString`) the reference scripts write. */
export const DT: Record<string, number> = Object.fromEntries(allDtypes().map((dt) => [cppDtypeName(dt), dt]));

export interface RefTensor {
  dtype: string;
  shape: number[];
  values: number[];
}

export interface RefCase {
  op: string;
  name: string;
  inputs: RefTensor[];
  attrs: Record<string, unknown>;
  outputs: RefTensor[];
  /** A case's own tolerance, where the default one does not fit. */
  tol?: number;
}

/** A reference tensor as a feed (int64 values become BigInts: JSON numbers cannot say which type they are). */
export const refTensor = (d: RefTensor) => tensor(DT[d.dtype], d.shape, d.dtype === "int64" ? d.values.map((v) => BigInt(v)) : d.values);

/**
 * A plain JSON attr value as the op wants it: a list is ints (strs when it
 * holds strings), a string str, a
 * boolean bool; a number is a float for names in `floatAttrs` (JSON writes
 * 1.0 as 1), else an int.
 */
export function refAttr(name: string, v: unknown, floatAttrs: ReadonlySet<string>): AttrValue {
  if (Array.isArray(v)) return typeof v[0] === "string" ? attr.strs(v as string[]) : attr.ints(v as number[]);
  if (typeof v === "string") return attr.str(v);
  if (typeof v === "boolean") return attr.bool(v);
  if (floatAttrs.has(name)) return attr.float(v as number);
  return attr.int(v as number);
}
