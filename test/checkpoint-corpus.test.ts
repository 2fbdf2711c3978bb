// Decodes every real checkpoint in the shared corpus (not registered when it is absent).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DataType } from "../src/proto/gen/tensor_pb.js";
import { sizeOf } from "../src/ndarray.js";
import { openCheckpoint } from "../src/loaders/checkpoint.js";
import { SSTable, decodeBlockHandle } from "../src/loaders/sstable.js";
import { CORPUS, withCorpus } from "./support/corpus.js";


function findIndexes(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findIndexes(p, out);
    else if (name === "variables.index") out.push(p.slice(0, -".index".length));
  }
  return out.sort();
}

function flatten(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flatten) : [v as number];
}
function nestedShape(v: unknown): number[] {
  return Array.isArray(v) ? [v.length, ...nestedShape(v[0])] : [];
}

withCorpus("checkpoints of the corpus", () => {
  test("every corpus checkpoint decodes completely (all CRCs verified)", () => {
    const prefixes = findIndexes(CORPUS);
    assert.ok(prefixes.length >= 60, `found ${prefixes.length}`);
    let tensors = 0;
    let sharded = 0;
    for (const prefix of prefixes) {
      const ck = openCheckpoint(prefix);
      if (ck.numShards > 1) sharded++;
      const all = ck.readAll();
      assert.ok(all.size > 0, prefix);
      for (const [key, t] of all) {
        const n = sizeOf(t.shape);
        const lanes = t.array.dtype === "complex64" || t.array.dtype === "complex128" ? 2 : 1;
        assert.is(t.array.data.length, n * lanes, `${prefix} ${key}`);
        tensors++;
      }
      ck.close();
    }
    assert.ok(tensors > 1000, `tensors: ${tensors}`);
    assert.ok(sharded >= 3, `sharded bundles: ${sharded}`);
  });

  test("golden expectations.json `variables` values", () => {
    const exp = JSON.parse(readFileSync(join(CORPUS, "golden/expectations.json"), "utf8")) as { models: Record<string, { path: string; variables?: Record<string, unknown> | null }> };
    let checked = 0;
    for (const [name, m] of Object.entries(exp.models)) {
      if (!m.variables) continue;
      const base = join(CORPUS, m.path);
      const dirs = existsSync(join(base, "variables")) ? [base] : readdirSync(base).filter((d) => /^\d+$/.test(d)).map((d) => join(base, d));
      assert.ok(dirs.length > 0, name);
      for (const dir of dirs) {
        const ck = openCheckpoint(join(dir, "variables/variables"));
        for (const [k, want] of Object.entries(m.variables)) {
          const key = ck.has(k) ? k : `${k}/.ATTRIBUTES/VARIABLE_VALUE`;
          const t = ck.read(key);
          assert.is(t.dtype, DataType.DT_FLOAT, `${name} ${key}`);
          assert.equal([...t.shape], nestedShape(want), `${name} ${key} shape`);
          assert.equal([...(t.array.data as Float32Array)], flatten(want).map(Math.fround), `${name} ${key}`);
          checked++;
        }
        ck.close();
      }
    }
    assert.ok(checked >= 60, `checked ${checked}`);
  });

  test("half_plus_two (TF 1.14) and its TF 2.14 twin: layout facts of spec §7.8", () => {
    const v1 = join(CORPUS, "golden/serving_saved_model_half_plus_two_cpu/00000123/variables/variables");
    const ck = openCheckpoint(v1);
    assert.equal(ck.keys(), ["a", "a2", "b", "c", "c2"]);
    assert.equal({ ...ck.entry("c2") }, { key: "c2", dtype: DataType.DT_FLOAT, shape: [], shardId: 0, offset: 16, size: 4, crc32c: 0xc382d6ef, slices: 0 });
    assert.equal(ck.version, { producer: 1, minConsumer: 0, badConsumers: [] });
    assert.is(ck.endianness, "little");
    const a = ck.read("a");
    assert.equal([...(a.array.data as Float32Array)], [0.5]);
    const v2 = openCheckpoint(join(CORPUS, "golden/serving_saved_model_half_plus_two_tf2_cpu/00000123/variables/variables"));
    const og = v2.entry("_CHECKPOINTABLE_OBJECT_GRAPH");
    assert.is(og.dtype, DataType.DT_STRING);
    assert.is(og.offset, 12);
    assert.is(og.size, 619);
    const graph = v2.read("_CHECKPOINTABLE_OBJECT_GRAPH").array.data as Uint8Array[];
    assert.is(graph.length, 1);
    assert.is(graph[0]!.length, 613);
    // the first data block of both index files is Snappy-compressed
    for (const p of [v1, join(CORPUS, "golden/serving_saved_model_half_plus_two_tf2_cpu/00000123/variables/variables")]) {
      const t = new SSTable(new Uint8Array(readFileSync(p + ".index")));
      const [h] = decodeBlockHandle([...t.index.entries()][0]![1], true, "first data block");
      assert.is(h.offset, 0);
      assert.is(t.file[h.offset + h.size], 1, `${p}: block type`);
    }
  });

  test("sharded bundles: tensors come from both shards", () => {
    const p = join(CORPUS, "wild/mnist_dense_ae_sharded_tf22/model/variables/variables");
    if (!existsSync(p + ".index")) return;
    const ck = openCheckpoint(p);
    assert.is(ck.numShards, 2);
    const shards = new Set(ck.entries().map((e) => e.shardId));
    assert.equal([...shards].sort(), [0, 1]);
    for (const k of ck.keys()) ck.read(k);
  });
});

test.run();
