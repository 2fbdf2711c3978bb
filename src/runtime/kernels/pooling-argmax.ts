/**
 * MaxPoolWithArgmax: max pooling that also returns where each maximum came
 * from, as the flattened index into the NHWC input:
 *
 *   argmax = ((b * height + y) * width + x) * channels + c   (include_batch_in_index)
 *   argmax = (y * width + x) * channels + c                  (otherwise)
 *
 * Windows follow TF's SAME / VALID geometry; padding never wins. Ties keep
 * the first maximum in row-major window order (TF's CPU kernel replaces only
 * on a strictly greater value); a window of NaNs only yields TF's initial
 * values: the dtype's lowest finite value and index -1. Computed on the host
 * in the input's exact values for every real dtype; argmax is Targmax
 * (int64 by default, or int32).
 *
 * (A family of its own for now; its table can later be spread into nn's.)
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor } from "../tensor.js";
import { DataType, cppDtypeName } from "../../dtypes.js";
import { windows, zerosTensor } from "./nn.js";

const LOWEST: Partial<Record<number, number | bigint>> = {
  [DataType.DT_FLOAT]: -3.4028234663852886e38,
  [DataType.DT_DOUBLE]: -Number.MAX_VALUE,
  [DataType.DT_HALF]: -65504,
  [DataType.DT_BFLOAT16]: -3.3895313892515355e38,
  [DataType.DT_INT8]: -128,
  [DataType.DT_UINT8]: 0,
  [DataType.DT_INT16]: -32768,
  [DataType.DT_UINT16]: 0,
  [DataType.DT_INT32]: -2147483648,
  [DataType.DT_UINT32]: 0,
  [DataType.DT_INT64]: -(2n ** 63n),
  [DataType.DT_UINT64]: 0n,
};

function maxPoolWithArgmax(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  const lowest = LOWEST[x.dtype];
  if (lowest === undefined) throw ctx.error("InvalidArgumentError", `MaxPoolWithArgmax does not support ${cppDtypeName(x.dtype)}`);
  const targmax = ctx.attrs.type("Targmax", DataType.DT_INT64);
  if (targmax !== DataType.DT_INT64 && targmax !== DataType.DT_INT32) throw ctx.error("InvalidArgumentError", `Targmax must be int32 or int64, got ${cppDtypeName(targmax)}`);
  const withBatch = ctx.attrs.bool("include_batch_in_index", false);
  const ksize = ctx.attrs.ints("ksize");
  const strides = ctx.attrs.ints("strides");
  if (ksize.length !== 4) throw ctx.error("InvalidArgumentError", "Sliding window ksize field must specify 4 dimensions");
  if (strides.length !== 4) throw ctx.error("InvalidArgumentError", "Sliding window stride field must specify 4 dimensions");
  if (ksize[0] !== 1 || strides[0] !== 1) throw ctx.error("UnimplementedError", "Pooling is not yet supported on the batch dimension.");
  if (ksize[3] !== 1 || strides[3] !== 1) throw ctx.error("UnimplementedError", "MaxPoolWithArgmax does not support pooling across depth.");
  for (const k of ksize) if (k <= 0) throw ctx.error("InvalidArgumentError", "Sliding window ksize for dimension must be positive");
  const padding = ctx.attrs.str("padding");
  if (padding !== "SAME" && padding !== "VALID") throw ctx.error("InvalidArgumentError", `Unknown padding '${padding}'`);
  if (x.rank !== 4) throw ctx.error("InvalidArgumentError", `tensor_in must be 4-dimensional [${x.shape.join(",")}]`);
  const [N, H, W, C] = x.shape;
  const win = windows(ctx, [H, W], [ksize[1], ksize[2]], [strides[1], strides[2]], [1, 1], padding);
  const [OH, OW] = win.out;
  const outShape = [N, OH, OW, C];
  const n = N * OH * OW * C;
  if (n === 0 || x.size === 0) return [zerosTensor(x.dtype, outShape), zerosTensor(targmax, outShape)];
  const big = x.dtype === DataType.DT_INT64 || x.dtype === DataType.DT_UINT64;
  const v: ArrayLike<number | bigint> = big ? (x.host().data as BigInt64Array) : x.numbers();
  const vals = new Array<number | bigint>(n);
  const arg = new Array<number | bigint>(n);
  const [kh, kw] = [ksize[1], ksize[2]];
  const [sh, sw] = [strides[1], strides[2]];
  const [top, left] = win.before;
  let o = 0;
  for (let b = 0; b < N; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(H, oy * sh - top + kh);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(W, ox * sw - left + kw);
        for (let c = 0; c < C; c++, o++) {
          let best: number | bigint = lowest;
          let at = -1;
          for (let yy = y0; yy < y1; yy++) {
            for (let xx = x0; xx < x1; xx++) {
              const i = ((b * H + yy) * W + xx) * C + c;
              if (best < v[i]) {
                best = v[i];
                at = i;
              }
            }
          }
          vals[o] = best;
          const idx = at < 0 || withBatch ? at : at - b * H * W * C;
          arg[o] = targmax === DataType.DT_INT64 ? BigInt(idx) : idx;
        }
      }
    }
  }
  return [Tensor.fromValues(x.dtype, outShape, vals), Tensor.fromValues(targmax, outShape, arg)];
}

export const poolingKernels: KernelTable = {
  MaxPoolWithArgmax: op("output,argmax", maxPoolWithArgmax),
};
