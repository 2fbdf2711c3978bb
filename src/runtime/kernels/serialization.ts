/**
 * ParseTensor / SerializeTensor: a tensor to and from its serialized
 * TensorProto, through the project's own proto runtime.
 *
 * SerializeTensor writes what TF's `Tensor::AsProtoField` writes: dtype, the
 * shape (present even for scalars) and the values in the dtype's typed
 * repeated field — float_val, double_val, int_val (int8/16/32, uint8/16 and
 * the quantized types), int64_val, uint32_val, uint64_val, bool_val,
 * string_val, scomplex_val/dcomplex_val (interleaved re, im), half_val (the
 * raw bits of half and bfloat16) — never tensor_content; fields in field
 * number order, as C++ serializes them. ParseTensor accepts any valid
 * TensorProto (typed fields or tensor_content) and checks the dtype against
 * `out_type`.
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor } from "../tensor.js";
import { tensorFromProto } from "../tensor-proto.js";
import { create, fromBinary, toBinary } from "../../proto/runtime.js";
import { TensorProtoSchema, type TensorProto } from "../../proto/gen/tensor_pb.js";
import { DataType, cppDtypeName } from "../../dtypes.js";
import { TfsmError } from "../../errors.js";

const D = DataType;

function serializeTensor(ctx: KernelContext): Tensor[] {
  const x = ctx.inputs[0];
  const h = x.host();
  const d = h.data as ArrayLike<number | bigint>;
  const vals = <T>(f: (v: number | bigint) => T): T[] => Array.from({ length: d.length }, (_, i) => f(d[i]));
  const init: Partial<TensorProto> = {};
  switch (x.dtype) {
    case D.DT_FLOAT:
      init.floatVal = vals(Number);
      break;
    case D.DT_DOUBLE:
      init.doubleVal = vals(Number);
      break;
    case D.DT_INT32:
    case D.DT_INT16:
    case D.DT_INT8:
    case D.DT_UINT8:
    case D.DT_UINT16:
    case D.DT_QINT8:
    case D.DT_QUINT8:
    case D.DT_QINT16:
    case D.DT_QUINT16:
    case D.DT_QINT32:
      init.intVal = vals(Number);
      break;
    case D.DT_INT64:
      init.int64Val = vals((v) => BigInt(v));
      break;
    case D.DT_UINT32:
      init.uint32Val = vals(Number);
      break;
    case D.DT_UINT64:
      init.uint64Val = vals((v) => BigInt(v));
      break;
    case D.DT_BOOL:
      init.boolVal = vals((v) => v !== 0);
      break;
    case D.DT_HALF:
    case D.DT_BFLOAT16:
      init.halfVal = vals(Number);
      break;
    case D.DT_COMPLEX64:
      init.scomplexVal = vals(Number);
      break;
    case D.DT_COMPLEX128:
      init.dcomplexVal = vals(Number);
      break;
    case D.DT_STRING:
      init.stringVal = [...x.strings()];
      break;
    default:
      throw ctx.error("UnimplementedError", `SerializeTensor of ${cppDtypeName(x.dtype)} tensors is not supported`);
  }
  const proto = create(TensorProtoSchema, {
    dtype: x.dtype,
    tensorShape: { dim: x.shape.map((s) => ({ size: BigInt(s) })) },
    ...init,
  });
  // the schema lists half_val (13) before float_val (5); C++ writes by field number, and a
  // tensor has one value field, so the only ordering that matters is dtype, shape, values
  return [Tensor.scalar(D.DT_STRING, toBinary(TensorProtoSchema, proto))];
}

function parseTensor(ctx: KernelContext): Tensor[] {
  const s = ctx.inputs[0];
  if (s.dtype !== D.DT_STRING || s.size !== 1) throw ctx.error("InvalidArgumentError", `serialized must be a scalar string, got ${cppDtypeName(s.dtype)} of shape [${s.shape.join(",")}]`);
  const want = ctx.attrs.type("out_type");
  let proto: TensorProto;
  try {
    proto = fromBinary(TensorProtoSchema, s.strings()[0]);
  } catch (e) {
    throw ctx.error("InvalidArgumentError", `Could not parse \`serialized\` as TensorProto: ${(e as Error).message}`);
  }
  let t: Tensor;
  try {
    t = tensorFromProto(proto, ctx.graph.where(ctx.node));
  } catch (e) {
    if (e instanceof TfsmError) throw ctx.error("InvalidArgumentError", `Could not parse \`serialized\` as TensorProto: ${e.message}`);
    throw e;
  }
  if (t.dtype !== want) {
    throw ctx.error("InvalidArgumentError", `Type mismatch between parsed tensor (${cppDtypeName(t.dtype)}) and dtype (${cppDtypeName(want)})`);
  }
  return [t];
}

export const serializationKernels: KernelTable = {
  SerializeTensor: op("serialized", serializeTensor),
  ParseTensor: op("output", parseTensor),
};
