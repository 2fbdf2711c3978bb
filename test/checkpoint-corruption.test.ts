// Single-byte corruption of every position of a checkpoint's index and data
// files: each flip must be reported as a FileFormatError naming the mutated
// file (and, for data bytes, the tensor whose bytes were hit), or be a byte
// that provably carries no information — and reading never silently returns
// different values.
//
// The only inert bytes are the index footer's padding: the footer is
// [metaindex handle varints][index handle varints][zero padding up to byte 40]
// [8-byte magic]. Readers (TF's and ours) decode the two handles from the
// start and never look at the padding, so its value cannot change anything
// that is read. Every other byte is covered by a CRC (block trailers cover
// block contents + type byte; entry CRCs cover tensor data), is the CRC itself,
// is the magic, or is a footer handle (a changed handle points at bytes whose
// trailer CRC does not match, outside the file, or is an overlong varint).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { create, toBinary } from "../src/proto/runtime.js";
import { DataType, VariantTensorDataProtoSchema } from "../src/proto/gen/tensor_pb.js";
import { FileFormatError } from "../src/errors.js";
import { memoryFiles, openCheckpoint, type CheckpointEntry } from "../src/loaders/checkpoint.js";
import { FOOTER_SIZE, decodeBlockHandle } from "../src/loaders/sstable.js";
import { encodeCheckpoint, type TensorToWrite } from "../src/format/checkpoint-writer.js";
import { crc32cBackend } from "../src/loaders/crc32c.js";
import { GOLDEN, withCorpus } from "./support/corpus.js";

// Load the native CRC (when installed) before the sweep, so index blocks and
// every entry of ≥ 128 bytes are verified by it from the first flip on.
const CRC_BACKEND = crc32cBackend();

const P = "/mem/ckpt/variables/variables";
const INDEX = P + ".index";
const DATA = P + ".data-00000-of-00001";
const XORS = [0xff, 0x01, 0x80];

type Snapshot = Map<string, { dtype: number; shape: string; bytes: string }>;

function hex(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");
}

function readEverything(index: Uint8Array, data: Uint8Array): Snapshot {
  const ck = openCheckpoint(P, { openFile: memoryFiles({ [INDEX]: index, [DATA]: data }) });
  const out: Snapshot = new Map();
  for (const [k, t] of ck.readAll()) {
    const bytes = Array.isArray(t.array.data) ? (t.array.data as Uint8Array[]).map(hex).join(",") : hex(t.array.data as ArrayBufferView);
    out.set(k, { dtype: t.dtype, shape: JSON.stringify(t.shape), bytes });
  }
  return out;
}

/** Positions of the footer padding (after the two handle varints, before the magic). */
function footerPadding(index: Uint8Array): Set<number> {
  const start = index.length - FOOTER_SIZE;
  const footer = index.subarray(start, start + 40);
  const [, p1] = decodeBlockHandle(footer, false, "meta");
  const [, p2] = decodeBlockHandle(footer.subarray(p1), false, "index");
  const out = new Set<number>();
  for (let i = start + p1 + p2; i < index.length - 8; i++) out.add(i);
  return out;
}

interface Result {
  positions: number;
  flips: number;
  inert: number;
}

/** Flips every byte of both files with each XOR mask and checks the outcome. */
function flipAll(index: Uint8Array, data: Uint8Array): Result {
  const original = readEverything(index, data);
  const entries: CheckpointEntry[] = openCheckpoint(P, { openFile: memoryFiles({ [INDEX]: index, [DATA]: data }) }).entries();
  const owner = (pos: number) => entries.find((e) => pos >= e.offset && pos < e.offset + e.size);
  const padding = footerPadding(index);
  let flips = 0;
  let inert = 0;
  for (const [file, bytes] of [[INDEX, index], [DATA, data]] as const) {
    for (let i = 0; i < bytes.length; i++) {
      const hit = file === DATA ? owner(i) : undefined;
      if (file === DATA) assert.ok(hit, `data byte ${i} belongs to no tensor`);
      for (const x of XORS) {
        const mutated = bytes.slice();
        mutated[i] ^= x;
        flips++;
        let snap: Snapshot | undefined;
        try {
          snap = file === INDEX ? readEverything(mutated, data) : readEverything(index, mutated);
        } catch (e) {
          const where = `${file} byte ${i} ^ 0x${x.toString(16)}`;
          if (!(e instanceof FileFormatError)) throw new Error(`${where}: untyped error ${String(e)}`);
          assert.is(e.file, file, `${where}: error names ${e.file}: ${e.message}`);
          assert.ok(e.message.startsWith(`${file}: `), e.message);
          if (hit) assert.ok(e.message.includes(`tensor ${JSON.stringify(hit.key)}`), `${where}: key not named: ${e.message}`);
          continue;
        }
        // Not reported: must be a documented inert byte and change nothing.
        assert.ok(file === INDEX && padding.has(i), `${file} byte ${i} ^ 0x${x.toString(16)} went unnoticed`);
        assert.equal(snap, original, `inert byte ${i} changed values`);
        inert++;
      }
    }
  }
  // every padding byte was inert for every mask, nothing else was
  assert.is(inert, padding.size * XORS.length);
  return { positions: index.length + data.length, flips, inert };
}

/** A fixture exercising every data layout: numbers, strings with multi-byte lengths, variants, empty tensors; several index blocks. */
function fixtureTensors(): Array<[string, TensorToWrite]> {
  const variant = toBinary(VariantTensorDataProtoSchema, create(VariantTensorDataProtoSchema, { typeName: "tensorflow::Tensor", metadata: Uint8Array.of(1, 2, 3) }));
  const long = new Uint8Array(200).map((_, i) => i * 7);
  const out: Array<[string, TensorToWrite]> = [
    ["dense/kernel", { array: { dtype: "float32", shape: [2, 3], data: Float32Array.of(1, -2, 0.5, 3.25, 1e-3, -0) } }],
    ["dense/bias", { array: { dtype: "float64", shape: [2], data: Float64Array.of(0.1, -7) } }],
    // ≥ 128 bytes: checksummed by the native CRC when it is installed
    ["embed", { array: { dtype: "float32", shape: [5, 8], data: new Float32Array(40).map((_, i) => i / 3 - 5) } }],
    ["step", { array: { dtype: "int64", shape: [], data: BigInt64Array.of(123456789012n) } }],
    ["mask", { array: { dtype: "bool", shape: [3], data: Uint8Array.of(1, 0, 1) } }],
    ["half", { array: { dtype: "float16", shape: [2], data: Uint16Array.of(0x3c00, 0xc000) } }],
    ["cplx", { array: { dtype: "complex64", shape: [1], data: Float32Array.of(1, -1) } }],
    ["vocab", { array: { dtype: "bytes", shape: [3], data: [new TextEncoder().encode("hello"), long, new Uint8Array(0)] } }],
    ["no_strings", { array: { dtype: "bytes", shape: [0], data: [] } }],
    ["nothing", { array: { dtype: "float32", shape: [0, 3], data: new Float32Array(0) } }],
    ["variant", { dtype: DataType.DT_VARIANT, array: { dtype: "bytes", shape: [2], data: [variant, variant.subarray(0, 5)] } }],
  ];
  for (let i = 0; i < 40; i++) out.push([`layer_${String(i).padStart(2, "0")}/w`, { array: { dtype: "int32", shape: [1], data: Int32Array.of(i * 1000 + 1) } }]);
  return out;
}

test("writer fixture (uncompressed index, several blocks): every byte flip is reported or inert", () => {
  const files = encodeCheckpoint(fixtureTensors(), { blockSize: 512 });
  const r = flipAll(files.index, files.data);
  console.log(`      writer fixture: ${r.positions} byte positions, ${r.flips} flips, ${r.inert / XORS.length} inert positions (footer padding); crc32c ${CRC_BACKEND}`);
});

test("writer fixture with Snappy-compressed index blocks: every byte flip is reported or inert", () => {
  const files = encodeCheckpoint(fixtureTensors(), { blockSize: 512, compression: "snappy" });
  const r = flipAll(files.index, files.data);
  console.log(`      snappy fixture: ${r.positions} byte positions, ${r.flips} flips, ${r.inert / XORS.length} inert positions (footer padding)`);
});

withCorpus("byte flips of real TensorFlow checkpoints", () => {
  for (const model of ["serving_saved_model_half_plus_two_cpu/00000123", "serving_saved_model_half_plus_two_tf2_cpu/00000123"]) {
    test(`corpus ${model}: every byte flip of both files is reported or inert`, () => {
      const prefix = `${GOLDEN}/${model}/variables/variables`;
      const index = new Uint8Array(readFileSync(prefix + ".index"));
      const data = new Uint8Array(readFileSync(prefix + ".data-00000-of-00001"));
      const r = flipAll(index, data);
      console.log(`      ${model}: ${r.positions} byte positions, ${r.flips} flips, ${r.inert / XORS.length} inert positions (footer padding)`);
    });
  }
});

test.run();
