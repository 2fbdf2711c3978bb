import { test } from "uvu";
import * as assert from "uvu/assert";
import { setup, tensor, values, attr, DataType, sessionFor, nodeDef, Tensor, runOp } from "./support/ops.js";
import { tensorProto } from "../src/proto/build.js";
import { create, toBinary } from "../src/proto/runtime.js";
import { ExampleSchema, SequenceExampleSchema, type Feature } from "../src/proto/gen/example_pb.js";
import { TfsmError } from "../src/errors.js";
import type { AttrValue } from "../src/proto/gen/graph_pb.js";
import { throwsTf } from "./support/asserts.js";

test.before(setup);

const D = DataType;
const S = D.DT_STRING;

type Val = number[] | bigint[] | string[] | Feature;
const emptyBytes: Feature = { kind: { case: "bytesList", value: { value: [] } } };
function feature(v: Val | undefined): Feature {
  if (v === undefined) return { kind: { case: undefined } } as Feature;
  if (!Array.isArray(v)) return v;
  if (v.length && typeof v[0] === "bigint") return { kind: { case: "int64List", value: { value: v as bigint[] } } };
  if (v.length && typeof v[0] === "string") return { kind: { case: "bytesList", value: { value: (v as string[]).map((s) => new TextEncoder().encode(s)) } } };
  return { kind: { case: "floatList", value: { value: v as number[] } } };
}
function example(f: Record<string, Val | undefined>): Uint8Array {
  const feats: Record<string, Feature> = {};
  for (const [k, v] of Object.entries(f)) feats[k] = feature(v);
  return toBinary(ExampleSchema, create(ExampleSchema, { features: { feature: feats } }));
}
const bytesT = (shape: number[], b: Uint8Array[]) => Tensor.fromHost(S, { dtype: "bytes", shape, data: b });
const keys = (k: string[]) => tensor(S, [k.length], k);

interface V2Spec {
  sparse?: [string, number][];
  dense?: [string, number, number[], Tensor][];
  ragged?: [string, number, number][];
}

function parseV2(serialized: Tensor, spec: V2Spec, names: Tensor = tensor(S, [0], [])): Tensor[] {
  const sparse = spec.sparse ?? [];
  const dense = spec.dense ?? [];
  const ragged = spec.ragged ?? [];
  const attrs: Record<string, AttrValue> = {
    num_sparse: attr.int(sparse.length),
    sparse_types: attr.types(sparse.map((s) => s[1])),
    Tdense: attr.types(dense.map((d) => d[1])),
    dense_shapes: attr.shapes(dense.map((d) => d[2])),
    ragged_value_types: attr.types(ragged.map((r) => r[1])),
    ragged_split_types: attr.types(ragged.map((r) => r[2])),
  };
  const n = 3 * sparse.length + dense.length + 2 * ragged.length;
  return runOp("ParseExampleV2", [serialized, names, keys(sparse.map((s) => s[0])), keys(dense.map((d) => d[0])), keys(ragged.map((r) => r[0])), ...dense.map((d) => d[3])], attrs, n);
}

const none = (dtype: number) => Tensor.fromValues(dtype, [0], []);

test("ParseExampleV2 batch: dense (defaults, shapes), varlen sparse, ragged, varlen dense", () => {
  const ex = [
    example({ age: [3n], f: [1.5, 2.5], tags: ["a", "b"], r: [7n] }),
    example({ f: [0.25, -1], tags: emptyBytes, r: [8n, 9n], v: [1, 2, 3, 4] }),
    example({ age: [40n], f: [3, 4], other: ["x"] }),
  ];
  const out = parseV2(bytesT([3], ex), {
    sparse: [["tags", S]],
    dense: [
      ["age", D.DT_INT64, [1], tensor(D.DT_INT64, [1], [-1n])],
      ["f", D.DT_FLOAT, [2], none(D.DT_FLOAT)],
      ["v", D.DT_FLOAT, [-1, 2], tensor(D.DT_FLOAT, [], [9])],
    ],
    ragged: [["r", D.DT_INT64, D.DT_INT32]],
  });
  const [ix, sv, sh, age, f, v, rv, rs] = out;
  assert.equal(values(ix), ["0", "0", "0", "1"]);
  assert.equal(values(sv), ["a", "b"]);
  assert.equal(values(sh), ["3", "2"]);
  assert.equal(age.shape, [3, 1]);
  assert.equal(values(age), ["3", "-1", "40"]);
  assert.equal(f.shape, [3, 2]);
  assert.equal(values(f), [1.5, 2.5, 0.25, -1, 3, 4]);
  assert.equal(v.shape, [3, 2, 2]);
  assert.equal(values(v), [9, 9, 9, 9, 1, 2, 3, 4, 9, 9, 9, 9]);
  assert.equal(values(rv), ["7", "8", "9"]);
  assert.is(rs.dtype, D.DT_INT32);
  assert.equal(values(rs), [0, 1, 3, 3]);
});

test("ParseExampleV2 scalar input parses one example (FastParseSingleExample shapes)", () => {
  const out = parseV2(bytesT([], [example({ tags: ["p", "q", "r"], f: [1, 2], r: [1.5] })]), {
    sparse: [["tags", S]],
    dense: [["f", D.DT_FLOAT, [2], none(D.DT_FLOAT)], ["v", D.DT_INT64, [-1], tensor(D.DT_INT64, [], [0n])]],
    ragged: [["r", D.DT_FLOAT, D.DT_INT64]],
  });
  const [ix, sv, sh, f, v, rv, rs] = out;
  assert.equal(ix.shape, [3, 1]);
  assert.equal(values(sv), ["p", "q", "r"]);
  assert.equal(values(sh), ["3"]);
  assert.equal(f.shape, [2]);
  assert.equal(v.shape, [0]);
  assert.equal(values(rv), [1.5]);
  assert.equal(rs.shape, [0]);
});

test("missing required dense feature, wrong type and wrong count give TF's messages", () => {
  const spec: V2Spec = { dense: [["x", D.DT_FLOAT, [2], none(D.DT_FLOAT)]] };
  throwsTf(() => parseV2(bytesT([1], [example({ y: [1, 2] })]), spec), "Name: <unknown>, Feature: x (data type: float) is required but could not be found.");
  throwsTf(() => parseV2(bytesT([], [example({ y: [1, 2] })]), spec), "Feature: x (data type: float) is required but could not be found.");
  throwsTf(() => parseV2(bytesT([1], [example({ x: [1n, 2n] })]), spec, tensor(S, [1], ["ex0"])), "Name: ex0, Key: x, Index: 0.  Data types don't match. Data type: int64 but expected type: float");
  throwsTf(() => parseV2(bytesT([2], [example({ x: [1, 2] }), example({ x: [1, 2, 3] })]), spec), "Name: <unknown>, Key: x, Index: 1.  Number of float values != expected.  Values size: 3 but output shape: [2]");
  throwsTf(() => parseV2(bytesT([], [example({ x: [1] })]), spec), "Key: x.  Can't parse serialized Example: Some float_list slice was not parsed.");
  throwsTf(() => parseV2(bytesT([1], [example({ s: [1n] })]), { sparse: [["s", D.DT_FLOAT]] }), "Data types don't match. Expected type: float, Actual type: int64");
  throwsTf(() => parseV2(bytesT([1], [Uint8Array.of(0x0a, 0x05, 0x0a)]), { sparse: [["s", D.DT_FLOAT]] }), "Could not parse example input, value: '");
  throwsTf(() => parseV2(bytesT([1], [example({ x: [1, 2] })]), { dense: [["x", D.DT_FLOAT, [2], tensor(D.DT_FLOAT, [3], [1, 2, 3])]] }), "def_value[0].shape() == [3] is not compatible with dense_shapes_[0] == [2]");
  throwsTf(() => parseV2(bytesT([2, 1], [example({}), example({})]), spec), "Expected serialized to be a scalar or vector, got shape: [2,1]");
});

test("wire-format details: last duplicate key wins, unknown fields skipped, unpacked lists, concatenated Examples merge", () => {
  // entries: x=[1,2] then x=[3,4] (later wins); an unknown top-level varint field
  const e1 = example({ x: [1, 2] });
  const e2 = example({ x: [3, 4] });
  const merged = new Uint8Array([...e1, ...e2, 0x10, 0x96, 0x01]);
  const spec: V2Spec = { dense: [["x", D.DT_FLOAT, [2], none(D.DT_FLOAT)]] };
  assert.equal(values(parseV2(bytesT([1], [merged]), spec)[0]), [3, 4]);
  // hand-written unpacked float and int64 lists
  const key = [0x0a, 0x01, 0x78]; // map entry key "x"
  const wrap = (value: number[]) => {
    const entry = [...value, ...key]; // value before key: any order is accepted
    const features = [0x0a, entry.length, ...entry];
    return Uint8Array.from([0x0a, features.length, ...features]);
  };
  const unpackedFloat = [0x12, 0x0c, 0x12, 0x0a, 0x0d, 0, 0, 0x80, 0x3f, 0x0d, 0, 0, 0, 0x40];
  assert.equal(values(parseV2(bytesT([1], [wrap(unpackedFloat)]), spec)[0]), [1, 2]);
  const unpackedInt = [0x12, 0x06, 0x1a, 0x04, 0x08, 0x05, 0x08, 0x7f];
  const ex2 = wrap(unpackedInt);
  assert.equal(values(parseV2(bytesT([1], [ex2]), { sparse: [["x", D.DT_INT64]] })[1]), ["5", "127"]);
  // an empty Feature is a missing feature
  assert.equal(values(parseV2(bytesT([1], [example({ x: undefined })]), { dense: [["x", D.DT_FLOAT, [1], tensor(D.DT_FLOAT, [1], [7])]] })[0]), [7]);
  // a 10-byte varint int64 (-1) round-trips
  assert.equal(values(parseV2(bytesT([1], [example({ x: [-1n, 2n ** 62n] })]), { sparse: [["x", D.DT_INT64]] })[1]), ["-1", String(2n ** 62n)]);
});

test("ParseExample (v1): keys as scalar inputs, the corpus' half_plus_two signature", () => {
  const ex = [example({ x: [1] }), example({ x: [3], y: [5] })];
  const [x, y] = runOp("ParseExample", [bytesT([2], ex), tensor(S, [0], []), tensor(S, [], ["x"]), tensor(S, [], ["y"]), tensor(D.DT_FLOAT, [1], [0]), tensor(D.DT_FLOAT, [1], [-1])], {
    Nsparse: attr.int(0), Ndense: attr.int(2), sparse_types: attr.types([]), Tdense: attr.types([D.DT_FLOAT, D.DT_FLOAT]), dense_shapes: attr.shapes([[1], [1]]),
  }, 2);
  assert.equal(values(x), [1, 3]);
  assert.equal(values(y), [-1, 5]);
  throwsTf(() => runOp("ParseExample", [bytesT([], [ex[0]]), tensor(S, [0], []), tensor(S, [], ["x"]), tensor(D.DT_FLOAT, [1], [0])], {
    Nsparse: attr.int(0), Ndense: attr.int(1), sparse_types: attr.types([]), Tdense: attr.types([D.DT_FLOAT]), dense_shapes: attr.shapes([[1]]),
  }), "Expected serialized to be a vector, got shape: []");
});

test("ParseSingleExample: keys as attrs; sparse and dense outputs", () => {
  const [ix, sv, sh, d] = runOp("ParseSingleExample", [bytesT([], [example({ s: ["u", "v"], d: [4n, 5n] })]), Tensor.fromValues(D.DT_INT64, [0], [])], {
    num_sparse: attr.int(1), sparse_keys: attr.strs(["s"]), dense_keys: attr.strs(["d"]), sparse_types: attr.types([S]), Tdense: attr.types([D.DT_INT64]), dense_shapes: attr.shapes([[2]]),
  }, 4);
  assert.equal(values(ix), ["0", "1"]);
  assert.equal(values(sv), ["u", "v"]);
  assert.equal(values(sh), ["2"]);
  assert.equal(values(d), ["4", "5"]);
});

function sequenceExample(context: Record<string, Val>, lists: Record<string, Val[]>): Uint8Array {
  const ctx: Record<string, Feature> = {};
  for (const [k, v] of Object.entries(context)) ctx[k] = feature(v);
  const fl: Record<string, { feature: Feature[] }> = {};
  for (const [k, rows] of Object.entries(lists)) fl[k] = { feature: rows.map(feature) };
  return toBinary(SequenceExampleSchema, create(SequenceExampleSchema, { context: { feature: ctx }, featureLists: { featureList: fl } }));
}

test("ParseSingleSequenceExample: context + dense/sparse feature lists, missing-assumed-empty", () => {
  const se = sequenceExample({ len: [3n] }, { tok: [["a"], ["b", "c"]], emb: [[1, 2], [3, 4], [5, 6]] });
  const outs = runOp(
    "ParseSingleSequenceExample",
    [bytesT([], [se]), tensor(S, [1], ["gone"]), tensor(S, [], ["len"]), tensor(S, [], ["tok"]), tensor(S, [], ["emb"]), tensor(S, [], ["gone"]), Tensor.fromValues(D.DT_INT64, [0], []), tensor(S, [], ["dbg"])],
    {
      Ncontext_sparse: attr.int(0), Ncontext_dense: attr.int(1), Nfeature_list_sparse: attr.int(1), Nfeature_list_dense: attr.int(2),
      context_sparse_types: attr.types([]), Tcontext_dense: attr.types([D.DT_INT64]), context_dense_shapes: attr.shapes([[1]]),
      feature_list_sparse_types: attr.types([S]), feature_list_dense_types: attr.types([D.DT_FLOAT, D.DT_FLOAT]), feature_list_dense_shapes: attr.shapes([[2], [3]]),
    },
    6,
  );
  const [len, ix, sv, sh, emb, gone] = outs;
  assert.equal(values(len), ["3"]);
  assert.equal(values(ix), ["0", "0", "1", "0", "1", "1"]);
  assert.equal(values(sv), ["a", "b", "c"]);
  assert.equal(values(sh), ["2", "2"]);
  assert.equal(emb.shape, [3, 2]);
  assert.equal(values(emb), [1, 2, 3, 4, 5, 6]);
  assert.equal(gone.shape, [0, 3]);
  throwsTf(
    () => runOp("ParseSingleSequenceExample", [bytesT([], [se]), tensor(S, [0], []), tensor(S, [], ["gone"]), tensor(S, [], ["dbg"])], {
      Ncontext_sparse: attr.int(0), Ncontext_dense: attr.int(0), Nfeature_list_sparse: attr.int(0), Nfeature_list_dense: attr.int(1),
      context_sparse_types: attr.types([]), Tcontext_dense: attr.types([]), context_dense_shapes: attr.shapes([]),
      feature_list_sparse_types: attr.types([]), feature_list_dense_types: attr.types([D.DT_FLOAT]), feature_list_dense_shapes: attr.shapes([[3]]),
    }),
    "Name: dbg, Feature list 'gone' is required but could not be found.",
  );
});

test("ParseSequenceExampleV2 batch: padded dense lists with lengths, ragged feature lists", () => {
  const a = sequenceExample({}, { v: [[1n], [2n], [3n]] });
  const b = sequenceExample({}, { v: [[4n]] });
  const outs = runOp(
    "ParseSequenceExampleV2",
    [bytesT([2], [a, b]), tensor(S, [0], []), keys([]), keys([]), keys([]), keys([]), keys(["v"]), keys(["v"]), keys([])],
    {
      Ncontext_sparse: attr.int(0), Tcontext_dense: attr.types([]), context_sparse_types: attr.types([]), context_ragged_value_types: attr.types([]), context_ragged_split_types: attr.types([]),
      context_dense_shapes: attr.shapes([]), Nfeature_list_sparse: attr.int(0), Nfeature_list_dense: attr.int(1), feature_list_dense_types: attr.types([D.DT_INT64]),
      feature_list_sparse_types: attr.types([]), feature_list_ragged_value_types: attr.types([D.DT_INT64]), feature_list_ragged_split_types: attr.types([D.DT_INT64]),
      feature_list_dense_shapes: attr.shapes([[1]]),
    },
    5,
  );
  const [dense, lengths, rv, outer, inner] = outs;
  assert.equal(dense.shape, [2, 3, 1]);
  assert.equal(values(dense), ["1", "2", "3", "4", "0", "0"]);
  assert.equal(values(lengths), ["3", "1"]);
  assert.equal(values(rv), ["1", "2", "3", "4"]);
  assert.equal(values(outer), ["0", "3", "4"]);
  assert.equal(values(inner), ["0", "1", "2", "3", "4"]);
});

test("DecodeRaw and DecodeCSV", () => {
  const raw = bytesT([2], [Uint8Array.of(1, 0, 0, 1), Uint8Array.of(0xff, 0xff, 0, 2)]);
  assert.equal(values(runOp("DecodeRaw", [raw], { out_type: attr.type(D.DT_INT16) })[0]), [1, 256, -1, 512]);
  assert.equal(values(runOp("DecodeRaw", [raw], { out_type: attr.type(D.DT_INT16), little_endian: attr.bool(false) })[0]), [256, 1, -1, 2]);
  throwsTf(() => runOp("DecodeRaw", [bytesT([1], [Uint8Array.of(1, 2, 3)])], { out_type: attr.type(D.DT_INT16) }), "not a multiple of 2");
  const [a, b, c] = runOp("DecodeCSV", [tensor(S, [2], ['1,"x,""y""",2.5', ",z,"]), tensor(D.DT_INT32, [1], [-1]), tensor(S, [1], [""]), tensor(D.DT_FLOAT, [1], [0])], {
    OUT_TYPE: attr.types([D.DT_INT32, S, D.DT_FLOAT]),
  }, 3);
  assert.equal(values(a), [1, -1]);
  assert.equal(values(b), ['x,"y"', "z"]);
  assert.equal(values(c), [2.5, 0]);
});

// --- fuzzing ---------------------------------------------------------------------

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("fuzz: mutated serialized Examples give parsed outputs or typed errors, never a crash", () => {
  const cases = Number(process.env.TFSM_FUZZ_CASES ?? 10000);
  const rnd = mulberry32(20251121);
  const int = (n: number) => Math.floor(rnd() * n);
  const seeds = [
    example({ age: [3n], f: [1.5, 2.5], tags: ["a", "bb"], r: [7n, -1n], v: [1, 2, 3, 4] }),
    example({ f: [0, 0], tags: emptyBytes, r: [2n ** 62n] }),
    example({ age: [1n], f: [1, 2], other: ["x".repeat(40)], v: [] }),
    sequenceExample({ age: [1n] }, { tags: [["a"], ["b"]] }),
  ];
  const mutate = (src: Uint8Array): Uint8Array => {
    const b = [...src];
    const ops = 1 + int(4);
    for (let k = 0; k < ops; k++) {
      switch (int(8)) {
        case 0: if (b.length) b[int(b.length)] ^= 1 << int(8); break;
        case 1: if (b.length) b[int(b.length)] = int(256); break;
        case 2: b.splice(int(b.length + 1), 0, ...Array.from({ length: 1 + int(4) }, () => int(256))); break;
        case 3: b.splice(int(b.length + 1), 1 + int(6)); break;
        case 4: b.length = int(b.length + 1); break;
        case 5: if (b.length) b[int(b.length)] = [0x7f, 0x80, 0xff, 0x00, 0x0a, 0x12, 0x1a][int(7)]; break;
        case 6: { const s = int(b.length + 1); const e = s + int(8); b.splice(int(b.length + 1), 0, ...b.slice(s, e)); break; }
        default: { const o = seeds[int(seeds.length)]; b.push(...o.slice(int(o.length))); }
      }
    }
    return Uint8Array.from(b);
  };
  const ph = (name: string, dtype: number) => nodeDef(name, "Placeholder", [], { dtype: attr.type(dtype) });
  const konst = (name: string, t: Tensor) => nodeDef(name, "Const", [], { dtype: attr.type(t.dtype), value: attr.tensor(tensorProto(t.host(), t.dtype)) });
  const s = sessionFor([
    ph("ser", S),
    ph("names", S),
    konst("sk", keys(["tags"])),
    konst("dk", keys(["age", "f", "v"])),
    konst("rk", keys(["r"])),
    konst("d0", tensor(D.DT_INT64, [1], [0n])),
    konst("d1", none(D.DT_FLOAT)),
    konst("d2", tensor(D.DT_FLOAT, [], [0])),
    nodeDef("p", "ParseExampleV2", ["ser", "names", "sk", "dk", "rk", "d0", "d1", "d2"], {
      num_sparse: attr.int(1), sparse_types: attr.types([S]), Tdense: attr.types([D.DT_INT64, D.DT_FLOAT, D.DT_FLOAT]),
      dense_shapes: attr.shapes([[1], [2], [-1, 2]]), ragged_value_types: attr.types([D.DT_INT64]), ragged_split_types: attr.types([D.DT_INT64]),
    }),
    konst("empty", keys([])),
    nodeDef("q", "ParseSequenceExampleV2", ["ser", "names", "empty", "empty", "empty", "sk", "empty", "empty", "empty"], {
      Ncontext_sparse: attr.int(0), Tcontext_dense: attr.types([]), context_sparse_types: attr.types([]), context_ragged_value_types: attr.types([]),
      context_ragged_split_types: attr.types([]), context_dense_shapes: attr.shapes([]), Nfeature_list_sparse: attr.int(1), Nfeature_list_dense: attr.int(0),
      feature_list_dense_types: attr.types([]), feature_list_sparse_types: attr.types([S]), feature_list_ragged_value_types: attr.types([]),
      feature_list_ragged_split_types: attr.types([]), feature_list_dense_shapes: attr.shapes([]),
    }),
  ]);
  const fetchP = Array.from({ length: 8 }, (_, i) => `p:${i}`);
  const fetchQ = ["q:0", "q:1", "q:2"];
  const noNames = tensor(S, [0], []);
  const start = Date.now();
  let ok = 0;
  let failed = 0;
  const classes = new Set<string>();
  for (let i = 0; i < cases; i++) {
    const bytes = mutate(seeds[int(seeds.length)]);
    const scalar = i % 3 === 0;
    const ser = bytesT(scalar ? [] : [1], [bytes]);
    try {
      const outs = s.run([["ser", ser], ["names", noNames]], i % 5 === 4 ? fetchQ : fetchP);
      for (const t of outs) t.release();
      ok++;
    } catch (e) {
      if (!(e instanceof TfsmError)) {
        console.error("non-typed error for", Buffer.from(bytes).toString("hex"), scalar);
        throw e;
      }
      classes.add(e.pyClass);
      failed++;
    }
  }
  s.close();
  const ms = Date.now() - start;
  assert.is(ok + failed, cases);
  assert.ok(ok > cases / 20 && failed > cases / 20, `ok ${ok} failed ${failed}`);
  assert.equal([...classes], ["InvalidArgumentError"]);
  assert.ok(ms < 5000 * Math.max(1, cases / 10000), `fuzzing ${cases} cases took ${ms} ms`);
});

test.run();
