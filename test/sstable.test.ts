import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { crc32c, mask } from "../src/loaders/crc32c.js";
import {
  Block,
  BLOCK_TRAILER_SIZE,
  FOOTER_SIZE,
  SSTable,
  buildSSTable,
  compareBytes,
  decodeBlockHandle,
  readVarint,
  shortSuccessor,
  shortestSeparator,
  type Entry,
} from "../src/loaders/sstable.js";
import { throwsDecode } from "./support/asserts.js";
import { GOLDEN, withCorpus } from "./support/corpus.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function sampleEntries(n: number): Entry[] {
  const keys = new Set<string>();
  for (let i = 0; i < n; i++) keys.add(`layer_${Math.floor(i / 7)}/${["kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance", "x"][i % 7]}/.ATTRIBUTES/VARIABLE_VALUE`);
  const sorted = [...keys].map(enc).sort(compareBytes);
  return sorted.map((k, i) => [k, enc(`value-${i}-`.repeat(1 + (i % 5)))]);
}

test("separator and successor (LevelDB semantics)", () => {
  assert.is(dec(shortestSeparator(enc("abcd"), enc("abzz"))), "abd");
  assert.is(dec(shortestSeparator(enc("abc"), enc("abd"))), "abc"); // c+1 == d: unchanged
  assert.is(dec(shortestSeparator(enc("ab"), enc("abc"))), "ab"); // prefix: unchanged
  assert.is(dec(shortestSeparator(enc("a/kernel"), enc("b"))), "a/kernel"); // 'a'+1 == 'b'
  assert.is(dec(shortestSeparator(enc("a/kernel"), enc("c"))), "b");
  assert.equal([...shortestSeparator(Uint8Array.of(1, 0xff, 3), Uint8Array.of(1, 0xff, 9))], [1, 0xff, 4]);
  assert.is(dec(shortSuccessor(enc("c2"))), "d");
  assert.equal([...shortSuccessor(Uint8Array.of(0xff, 0xff, 5, 7))], [0xff, 0xff, 6]);
  assert.equal([...shortSuccessor(Uint8Array.of(0xff, 0xff))], [0xff, 0xff]);
});

test("varints: bounds, overlong and overflow rejected", () => {
  assert.equal(readVarint(Uint8Array.of(0xac, 0x02), 0, 2, 5, "x"), [300, 2]);
  assert.equal(readVarint(Uint8Array.of(0), 0, 1, 5, "x"), [0, 1]);
  throwsDecode(() => readVarint(Uint8Array.of(0xac, 0x02), 0, 1, 5, "x"), /truncated/);
  throwsDecode(() => readVarint(Uint8Array.of(0x85, 0x00), 0, 2, 5, "x"), /overlong/);
  throwsDecode(() => readVarint(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x1f), 0, 5, 5, "x"), /overflow/);
  throwsDecode(() => readVarint(new Uint8Array(6).fill(0x80), 0, 6, 5, "x"), /longer than 5/);
  throwsDecode(() => readVarint(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 0, 10, 10, "x"), /out of range/);
  throwsDecode(() => decodeBlockHandle(Uint8Array.of(1, 2, 3), true, "h"), /stray/);
});

test("builder → reader: one block, TF's empty-block bytes and footer", () => {
  const rows: Entry[] = [[enc(""), enc("hdr")], [enc("a"), enc("1")], [enc("a2"), enc("2")], [enc("c2"), enc("3")]];
  const file = buildSSTable(rows);
  const t = new SSTable(file);
  assert.equal([...t.entries()].map(([k, v]) => [dec(k), dec(v)]), rows.map(([k, v]) => [dec(k), dec(v)]));
  const idx = [...t.index.entries()];
  assert.is(idx.length, 1);
  assert.is(dec(idx[0]![0]), "d"); // short successor of "c2"
  // metaindex block = empty block 00000000 01000000 + trailer
  const m = t.metaindexHandle;
  assert.equal([...file.subarray(m.offset, m.offset + m.size)], [0, 0, 0, 0, 1, 0, 0, 0]);
  assert.equal([...file.subarray(file.length - 8)], [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]);
});

for (const compression of ["none", "snappy"] as const) {
  test(`many keys over many blocks (${compression}): get/seek/iterate`, () => {
    const rows = sampleEntries(700);
    const file = buildSSTable(rows, { blockSize: 512, compression });
    const t = new SSTable(file);
    const idx = [...t.index.entries()];
    assert.ok(idx.length > 20, `blocks: ${idx.length}`);
    const got = [...t.entries()];
    assert.is(got.length, rows.length);
    got.forEach(([k, v], i) => {
      assert.equal(k, rows[i]![0]);
      assert.equal(v, rows[i]![1]);
    });
    for (const [k, v] of rows) assert.equal(t.get(k), v);
    // misses: before, between, after
    assert.is(t.get(enc("")), undefined);
    assert.is(t.get(enc("layer_0/beta/.ATTRIBUTES/VARIABLE_VALUE0")), undefined);
    assert.is(t.get(enc("zzz")), undefined);
    assert.is(t.seek(enc("zzz")), undefined);
    for (let i = 0; i + 1 < rows.length; i += 37) {
      // a key just above rows[i] seeks to rows[i+1] (may be in the next block)
      const probe = new Uint8Array(rows[i]![0].length + 1);
      probe.set(rows[i]![0]);
      assert.equal(t.seek(probe)![0], rows[i + 1]![0]);
    }
    assert.equal(t.seek(enc(""))![0], rows[0]![0]);
  });
}

test("restart interval 1 and large values (block of its own)", () => {
  const rows: Entry[] = [
    [enc("a"), new Uint8Array(10)],
    [enc("b"), new Uint8Array(5000).fill(7)],
    [enc("c"), new Uint8Array(3)],
  ];
  const t = new SSTable(buildSSTable(rows, { blockSize: 1024, restartInterval: 1 }));
  assert.is([...t.index.entries()].length, 3);
  for (const [k, v] of rows) assert.equal(t.get(k), v);
});

test("empty table", () => {
  const t = new SSTable(buildSSTable([]));
  assert.is([...t.entries()].length, 0);
  assert.is(t.get(enc("a")), undefined);
});

test("builder rejects unsorted or duplicate keys", () => {
  assert.throws(() => buildSSTable([[enc("b"), enc("")], [enc("a"), enc("")]]), /ascending/);
  assert.throws(() => buildSSTable([[enc("a"), enc("")], [enc("a"), enc("")]]), /ascending/);
});

test("structural errors", () => {
  throwsDecode(() => new SSTable(new Uint8Array(47)), /too short/);
  throwsDecode(() => new SSTable(new Uint8Array(48)), /bad magic/);
  const good = buildSSTable(sampleEntries(40), { blockSize: 256 });
  // handle pointing past the blocks region
  const bad = good.slice();
  bad.fill(0, bad.length - FOOTER_SIZE, bad.length - 8);
  bad.set([0x7f, 0x08, 0xff, 0x7f], bad.length - FOOTER_SIZE);
  throwsDecode(() => new SSTable(bad), /past the blocks region/);
  // bad block type with a valid CRC
  const t = new SSTable(good);
  const h = t.indexHandle;
  const typed = good.slice();
  typed[h.offset + h.size] = 9;
  const crc = mask(crc32c(typed.subarray(h.offset, h.offset + h.size + 1)));
  new DataView(typed.buffer).setUint32(h.offset + h.size + 1, crc, true);
  throwsDecode(() => new SSTable(typed), /bad block type 9/);
  // checksum mismatch
  const flipped = good.slice();
  flipped[h.offset] ^= 1;
  throwsDecode(() => new SSTable(flipped), /index block .*checksum mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/);
  assert.ok(BLOCK_TRAILER_SIZE === 5);
});

test("Block validation: restarts, shared prefix, entry bounds, order", () => {
  throwsDecode(() => new Block(Uint8Array.of(1, 2), "b"), /too short/);
  throwsDecode(() => new Block(Uint8Array.of(5, 0, 0, 0), "b"), /restart count/);
  throwsDecode(() => new Block(Uint8Array.of(9, 9, 0, 0, 0, 0), "b"), /no restart points/);
  // entry "a"->"" then restart at 9 (past entries)
  throwsDecode(() => new Block(Uint8Array.of(0, 1, 0, 0x61, 9, 0, 0, 0, 1, 0, 0, 0), "b"), /restart point/);
  // first entry shares bytes with a non-existent previous key
  const sharedBad = new Block(Uint8Array.of(2, 1, 0, 0x61, 0, 0, 0, 0, 1, 0, 0, 0), "b");
  throwsDecode(() => [...sharedBad.entries()], /shares 2 key bytes/);
  // value runs past the entries
  const long = new Block(Uint8Array.of(0, 1, 9, 0x61, 0, 0, 0, 0, 1, 0, 0, 0), "b");
  throwsDecode(() => [...long.entries()], /runs past/);
  // keys out of order: "b" then "a"
  const order = new Block(Uint8Array.of(0, 1, 0, 0x62, 0, 1, 0, 0x61, 0, 0, 0, 0, 1, 0, 0, 0), "b");
  throwsDecode(() => [...order.entries()], /out of order/);
  // restart point in the middle of an entry
  const mid = new Block(Uint8Array.of(0, 1, 0, 0x61, 0, 1, 0, 0x62, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0), "b");
  throwsDecode(() => [...mid.entries()], /not at an entry boundary/);
});

withCorpus("the real TF table test", () => {
  test("real TF table with a Snappy data block (spec §7.8)", () => {
    const f = new Uint8Array(readFileSync(`${GOLDEN}/serving_saved_model_half_plus_two_cpu/00000123/variables/variables.index`));
    assert.is(f.length, 172);
    assert.is(f[87], 1); // type byte of the first data block: Snappy
    const t = new SSTable(f);
    assert.equal([...t.entries()].map(([k]) => dec(k)), ["", "a", "a2", "b", "c", "c2"]);
    assert.is(t.metaindexHandle.offset, 92);
    assert.is(t.indexHandle.offset, 105);
    assert.equal([...t.get(enc("a2"))!], [0x08, 0x01, 0x12, 0x00, 0x20, 0x04, 0x28, 0x04, 0x35, 0x06, 0x38, 0x27, 0x1f]);
  });
});

test.run();
