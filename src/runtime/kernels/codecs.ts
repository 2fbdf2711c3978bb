/**
 * Image codec kernels: DecodePng, DecodeJpeg, DecodeAndCropJpeg, DecodeGif,
 * DecodeBmp, DecodeImage, ExtractJpegShape, EncodePng.
 *
 * As in TensorFlow (decode_image_op.cc), the decode ops are one kernel that
 * classifies the bytes by their magic number and dispatches: DecodeJpeg also
 * decodes PNG and GIF, DecodePng also decodes JPEG and GIF, only DecodeBmp
 * and DecodeImage accept BMP. The format decoders are pure functions in
 * `codecs/` (bytes in, samples out, every length checked, only CodecError
 * thrown); this file maps their failures to TF's error messages.
 */
import { op, type KernelTable, type KernelContext } from "./types.js";
import { Tensor } from "../tensor.js";
import { DataType, cppDtypeName } from "../../dtypes.js";
import type { NdArray } from "../../ndarray.js";
import { CodecError, type Image } from "./codecs/common.js";
import { decodePng, encodePng, PNG_MAGIC } from "./codecs/png.js";
import { decodeJpeg, jpegInfo, type JpegOptions } from "./codecs/jpeg.js";
import { decodeGif } from "./codecs/gif.js";
import { decodeBmp } from "./codecs/bmp.js";

const D = DataType;

type Format = "jpeg" | "png" | "gif" | "bmp" | "unknown";

function classify(b: Uint8Array): Format {
  const starts = (m: number[]) => b.length >= m.length && m.every((v, i) => b[i] === v);
  if (starts([0xff, 0xd8, 0xff])) return "jpeg";
  if (starts(PNG_MAGIC)) return "png";
  if (starts([0x47, 0x49, 0x46, 0x38])) return "gif";
  if (starts([0x42, 0x4d])) return "bmp";
  return "unknown";
}

interface DecodeSetup {
  opType: string;
  channels: number;
  dtype: number;
  expandAnimations: boolean;
  jpeg: JpegOptions;
}

function setupFor(ctx: KernelContext, opType: string): DecodeSetup {
  const a = ctx.attrs;
  const jpeg: JpegOptions = { components: 0, ratio: 1, fancyUpscaling: true, tryRecoverTruncated: false, acceptableFraction: 1, dct: "fast" };
  if (opType === "DecodeJpeg" || opType === "DecodeAndCropJpeg") {
    jpeg.ratio = a.int("ratio", 1);
    if (![1, 2, 4, 8].includes(jpeg.ratio)) throw ctx.error("InvalidArgumentError", `ratio must be 1, 2, 4, or 8, got ${jpeg.ratio}`);
    jpeg.fancyUpscaling = a.bool("fancy_upscaling", true);
    jpeg.tryRecoverTruncated = a.bool("try_recover_truncated", false);
    jpeg.acceptableFraction = a.float("acceptable_fraction", 1);
    const dct = a.str("dct_method", "");
    if (dct !== "" && dct !== "INTEGER_FAST" && dct !== "INTEGER_ACCURATE") {
      throw ctx.error("InvalidArgumentError", "dct_method must be one of {'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}");
    }
    jpeg.dct = dct === "INTEGER_ACCURATE" ? "int" : "fast";
  }
  let dtype: number = D.DT_UINT8;
  let expandAnimations = true;
  if (opType === "DecodePng" || opType === "DecodeImage") {
    dtype = a.type("dtype", D.DT_UINT8);
    if (opType === "DecodePng" && dtype !== D.DT_UINT8 && dtype !== D.DT_UINT16) {
      throw ctx.error("InvalidArgumentError", `\`dtype\` for \`DecodePng\` must be unit8, unit16 but got: ${dtype}`);
    }
    if (opType === "DecodeImage") {
      if (dtype !== D.DT_UINT8 && dtype !== D.DT_UINT16 && dtype !== D.DT_FLOAT) {
        throw ctx.error("InvalidArgumentError", `\`dtype\` for \`DecodeImage\` must be unit8, unit16, float but got: ${dtype}`);
      }
      expandAnimations = a.bool("expand_animations", true);
    }
  }
  let channels = 3;
  if (opType !== "DecodeGif") {
    channels = a.int("channels", 0);
    if (![0, 1, 3, 4].includes(channels)) throw ctx.error("InvalidArgumentError", `\`channels\` must be 0, 1, 3 or 4 but got ${channels}`);
  }
  return { opType, channels, dtype, expandAnimations, jpeg };
}

/** TF's conversion of 8-bit samples to the requested dtype (uint16: ×256, float: ×(1/255) in float32). */
function from8(dtype: number, shape: number[], data: Uint8Array): Tensor {
  if (dtype === D.DT_UINT8) return Tensor.fromHost(D.DT_UINT8, { dtype: "uint8", shape, data } as NdArray);
  if (dtype === D.DT_UINT16) {
    const out = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i] * 256;
    return Tensor.fromHost(D.DT_UINT16, { dtype: "uint16", shape, data: out } as NdArray);
  }
  const out = new Float32Array(data.length);
  const scale = Math.fround(1 / 255);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * scale;
  return Tensor.fromHost(D.DT_FLOAT, { dtype: "float32", shape, data: out } as NdArray);
}

function contents(ctx: KernelContext): Uint8Array {
  const t = ctx.inputs[0];
  if (t.rank !== 0) throw ctx.error("InvalidArgumentError", `\`contents\` must be scalar but got shape[${t.shape.join(",")}]`);
  const b = t.strings()[0];
  if (b.length === 0) throw ctx.error("InvalidArgumentError", "Input is empty.");
  return b;
}

const codecMessage = (e: unknown): string | undefined => (e instanceof CodecError ? e.message : undefined);

function decodeImageKernel(opType: string) {
  return (ctx: KernelContext): Tensor[] => {
    const s = setupFor(ctx, opType);
    const input = contents(ctx);
    const bad = (msg: string) => ctx.error("InvalidArgumentError", msg);
    switch (classify(input)) {
      case "jpeg":
        return [decodeJpegAs(ctx, s, input)];
      case "png":
        return [decodePngAs(ctx, s, input)];
      case "gif":
        return [decodeGifAs(ctx, s, input)];
      case "bmp":
        return [decodeBmpAs(ctx, s, input)];
      default:
        throw bad("Unknown image file format. One of JPEG, PNG, GIF, BMP required.");
    }
  };
}

function decodeJpegAs(ctx: KernelContext, s: DecodeSetup, input: Uint8Array): Tensor {
  if (s.channels === 4) throw ctx.error("InvalidArgumentError", "JPEG does not support 4 channels");
  const opts: JpegOptions = { ...s.jpeg, components: s.channels };
  if (s.opType === "DecodeAndCropJpeg") {
    const w = ctx.inputs[1];
    if (w.rank !== 1) throw ctx.error("InvalidArgumentError", `crop_window must be 1-D, got shape [${w.shape.join(",")}]`);
    if (w.shape[0] !== 4) throw ctx.error("InvalidArgumentError", `crop_size must have four elements [${w.shape.join(",")}]`);
    const [y, x, h, wd] = w.numbers();
    opts.crop = { y, x, height: h, width: wd };
  } else if (s.opType === "DecodeBmp") {
    throw ctx.error("InvalidArgumentError", "Trying to decode JPEG format using DecodeBmp op. Use `decode_jpeg` or `decode_image` instead.");
  }
  let img: Image;
  try {
    img = decodeJpeg(input, opts);
  } catch (e) {
    if (codecMessage(e) === undefined) throw e;
    throw ctx.error("InvalidArgumentError", "jpeg::Uncompress failed. Invalid JPEG data or crop window.");
  }
  const shape = [img.height, img.width, img.channels];
  return from8(s.dtype, s.opType === "DecodeGif" ? [1, ...shape] : shape, img.data);
}

function decodePngAs(ctx: KernelContext, s: DecodeSetup, input: Uint8Array): Tensor {
  if (s.opType === "DecodeBmp") {
    throw ctx.error("InvalidArgumentError", "Trying to decode PNG format using DecodeBmp op. Use `decode_png` or `decode_image` instead.");
  }
  if (s.opType === "DecodeAndCropJpeg") throw ctx.error("InvalidArgumentError", "DecodeAndCropJpeg operation can run on JPEG only, but detected PNG.");
  let img: Image<Uint8Array | Uint16Array>;
  try {
    img = decodePng(input, s.channels, s.dtype === D.DT_UINT8 ? 8 : 16);
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    const msg = e.tfMessage ?? (e.stage === "init" ? "Invalid PNG. Failed to initialize decoder." : `Invalid PNG data, size ${input.length}`);
    throw ctx.error("InvalidArgumentError", msg);
  }
  const { width, height, channels } = img;
  const shape = s.opType === "DecodeGif" ? [1, height, width, channels] : [height, width, channels];
  if (s.dtype === D.DT_UINT8) return Tensor.fromHost(D.DT_UINT8, { dtype: "uint8", shape, data: img.data } as NdArray);
  if (s.dtype === D.DT_UINT16) return Tensor.fromHost(D.DT_UINT16, { dtype: "uint16", shape, data: img.data } as NdArray);
  const src = img.data;
  const out = new Float32Array(src.length);
  const scale = Math.fround(1 / 65535);
  for (let i = 0; i < src.length; i++) out[i] = src[i] * scale;
  return Tensor.fromHost(D.DT_FLOAT, { dtype: "float32", shape, data: out } as NdArray);
}

function decodeGifAs(ctx: KernelContext, s: DecodeSetup, input: Uint8Array): Tensor {
  if (s.channels !== 0 && s.channels !== 3) throw ctx.error("InvalidArgumentError", `channels must be 0 or 3 for GIF, got ${s.channels}`);
  if (s.opType === "DecodeBmp") {
    throw ctx.error("InvalidArgumentError", "Trying to decode GIF format using DecodeBmp op. Use `decode_gif` or `decode_image` instead.");
  }
  if (s.opType === "DecodeAndCropJpeg") throw ctx.error("InvalidArgumentError", "DecodeAndCropJpeg operation can run on JPEG only, but detected GIF.");
  let g: ReturnType<typeof decodeGif>;
  try {
    g = decodeGif(input, s.expandAnimations);
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    throw ctx.error("InvalidArgumentError", `Invalid GIF data (size ${input.length}), ${e.message}`);
  }
  const { frames, width, height } = g;
  let shape: number[];
  if (s.opType === "DecodePng" || s.opType === "DecodeJpeg") {
    if (frames !== 1) {
      throw ctx.error("InvalidArgumentError", `Got ${frames} frames, but animated gifs can only be decoded by tf.io.decode_gif or tf.io.decode_image`);
    }
    shape = [height, width, 3];
  } else if (s.opType === "DecodeGif" || s.expandAnimations) shape = [frames, height, width, 3];
  else shape = [height, width, 3];
  return from8(s.dtype, shape, g.data);
}

function decodeBmpAs(ctx: KernelContext, s: DecodeSetup, input: Uint8Array): Tensor {
  if (s.channels === 1) throw ctx.error("InvalidArgumentError", `\`channels\` must be 0, 3 or 4 for BMP, but got ${s.channels}`);
  if (s.opType !== "DecodeBmp" && s.opType !== "DecodeImage") {
    if (s.opType === "DecodeAndCropJpeg") throw ctx.error("InvalidArgumentError", "DecodeAndCropJpeg operation can run on JPEG only, but detected BMP.");
    throw ctx.error("InvalidArgumentError", `Trying to decode BMP format using a wrong op. Use \`decode_bmp\` or \`decode_image\` instead. Op used: ${s.opType}`);
  }
  let img: Image;
  try {
    img = decodeBmp(input, s.channels);
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    throw ctx.error("InvalidArgumentError", e.message);
  }
  return from8(s.dtype, [img.height, img.width, img.channels], img.data);
}

function extractJpegShape(ctx: KernelContext): Tensor[] {
  const t = ctx.inputs[0];
  if (t.rank !== 0) throw ctx.error("InvalidArgumentError", `contents must be scalar, got shape [${t.shape.join(",")}]`);
  const input = t.strings()[0];
  const outType = ctx.attrs.type("output_type", D.DT_INT32);
  let info: ReturnType<typeof jpegInfo>;
  try {
    info = jpegInfo(input);
  } catch (e) {
    if (codecMessage(e) === undefined) throw e;
    throw ctx.error("InvalidArgumentError", `Invalid JPEG data, size ${input.length}`);
  }
  const v = [info.height, info.width, info.components];
  if (outType === D.DT_INT64) return [Tensor.fromValues(D.DT_INT64, [3], v.map(BigInt))];
  if (outType !== D.DT_INT32) throw ctx.error("InvalidArgumentError", `ExtractJpegShape does not support output_type ${cppDtypeName(outType)}`);
  return [Tensor.fromValues(D.DT_INT32, [3], v)];
}

function encodePngKernel(ctx: KernelContext): Tensor[] {
  const image = ctx.inputs[0];
  const compression = ctx.attrs.int("compression", -1);
  if (image.rank !== 3) throw ctx.error("InvalidArgumentError", `image must be 3-dimensional[${image.shape.join(",")}]`);
  const [height, width, channels] = image.shape;
  if (width * channels >= 2 ** 30) throw ctx.error("InvalidArgumentError", "image too wide to encode");
  if (channels < 1 || channels > 4) throw ctx.error("InvalidArgumentError", `image must have 1, 2, 3, or 4 channels, got ${channels}`);
  if (image.size >= 2 ** 31 - 1) throw ctx.error("InvalidArgumentError", "image cannot have >= int32 max elements");
  const h = image.host();
  if (image.dtype !== D.DT_UINT8 && image.dtype !== D.DT_UINT16) {
    throw ctx.error("InvalidArgumentError", `EncodePng does not support dtype ${cppDtypeName(image.dtype)}`);
  }
  const bytes = encodePng(h.data as Uint8Array | Uint16Array, width, height, channels, compression);
  return [Tensor.fromHost(D.DT_STRING, { dtype: "bytes", shape: [], data: [bytes] } as NdArray)];
}

export const codecKernels: KernelTable = {
  DecodePng: op("image", decodeImageKernel("DecodePng")),
  DecodeJpeg: op("image", decodeImageKernel("DecodeJpeg")),
  DecodeAndCropJpeg: op("image", decodeImageKernel("DecodeAndCropJpeg")),
  DecodeGif: op("image", decodeImageKernel("DecodeGif")),
  DecodeBmp: op("image", decodeImageKernel("DecodeBmp")),
  DecodeImage: op("image", decodeImageKernel("DecodeImage")),
  ExtractJpegShape: op("image_shape", extractJpegShape),
  EncodePng: op("contents", encodePngKernel),
};
