import { test } from "uvu";
import * as assert from "uvu/assert";
import { DecodeError } from "../src/errors.js";
import { snappyCompress, snappyUncompress, snappyUncompressedLength } from "../src/loaders/snappy.js";
import { rng } from "./support/fuzz.js";
import { throwsDecode } from "./support/asserts.js";

const samples = (): Uint8Array[] => {
  const r = rng(7);
  const text = new TextEncoder().encode("dense/kernel/.ATTRIBUTES/VARIABLE_VALUE ".repeat(300));
  return [
    new Uint8Array(0),
    Uint8Array.of(42),
    new Uint8Array(100000), // long zero run → overlapping copies
    Uint8Array.from({ length: 70000 }, () => Math.floor(r() * 256)), // incompressible, literals > 65536
    text,
    Uint8Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? 7 : Math.floor(r() * 4))),
  ];
};

test("compress → uncompress round trip", () => {
  for (const s of samples()) {
    const c = snappyCompress(s);
    assert.equal(snappyUncompress(c), s);
    assert.is(snappyUncompressedLength(c).length, s.length);
  }
});

test("hand-made elements: every literal and copy form, overlapping copy", () => {
  // length 12; literal "ab" (tag 0x04), copy-1 len 4 off 2, copy-2 len 3 off 1, copy-4 len 3 off 5
  const src = Uint8Array.of(12, 0x04, 0x61, 0x62, 0x01, 0x02, 0x0a, 0x01, 0x00, 0x0b, 0x05, 0, 0, 0);
  assert.is(new TextDecoder().decode(snappyUncompress(src)), "abababbbbabb");
  // literal with a 1/2/3/4-byte length
  for (const extra of [1, 2, 3, 4]) {
    const len = 61;
    const tag = (59 + extra) << 2;
    const lenBytes = [len - 1, 0, 0, 0].slice(0, extra);
    const body = Array.from({ length: len }, (_, i) => i);
    const out = snappyUncompress(Uint8Array.of(len, tag, ...lenBytes, ...body));
    assert.equal([...out], body);
  }
});

test("hostile input: typed errors, no over-allocation", () => {
  throwsDecode(() => snappyUncompress(new Uint8Array(0)), /preamble/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80)), /32 bits/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0)), /limit/); // 4 GiB declared
  throwsDecode(() => snappyUncompress(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0), Infinity), /impossible/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(30, 0x00, 1)), /produced 1 bytes, declared 30/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(2, 0x04, 1)), /past the input/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(1, 0x04, 1, 2)), /overflows/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(5, 0x00, 1, 0x01, 0x00)), /offset 0/); // offset 0
  throwsDecode(() => snappyUncompress(Uint8Array.of(5, 0x00, 1, 0x01, 0x02)), /offset 2/); // beyond output
  throwsDecode(() => snappyUncompress(Uint8Array.of(5, 0x00, 1, 0x01)), /truncated copy/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(5, 0x00, 1, 0x02, 1)), /truncated copy/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(5, 0x00, 1, 0x03, 1, 0, 0)), /truncated copy/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(30, 0xfc, 1)), /truncated literal/);
  throwsDecode(() => snappyUncompress(Uint8Array.of(4, 0x00, 1, 0x0d, 1)), /overflows/); // copy of 7 into 3 remaining
  throwsDecode(() => snappyUncompress(Uint8Array.of(100, 0x00, 0), 50), /limit/);
});

test("every truncation of a valid stream fails cleanly", () => {
  const c = snappyCompress(new TextEncoder().encode("hello hello hello hello world ".repeat(20)));
  for (let n = 0; n < c.length; n++) throwsDecode(() => snappyUncompress(c.subarray(0, n)));
});

test("random and mutated streams: only DecodeError, output length as declared", () => {
  const r = rng(11);
  const base = samples().map((s) => snappyCompress(s.subarray(0, 3000)));
  for (let i = 0; i < 20000; i++) {
    let input: Uint8Array;
    if (i % 2 === 0) {
      input = Uint8Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256));
    } else {
      input = base[i % base.length]!.slice();
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) if (input.length) input[Math.floor(r() * input.length)] = Math.floor(r() * 256);
    }
    try {
      const out = snappyUncompress(input);
      assert.is(out.length, snappyUncompressedLength(input).length);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  }
});

test.run();
