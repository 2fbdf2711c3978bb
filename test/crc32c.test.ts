import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { crc32c, crc32cBackend, extend, extendJs, extendUint32LE, extendUint64LE, hex32, mask, unmask } from "../src/loaders/crc32c.js";
import { rng } from "./support/fuzz.js";

// Decide the backend now, so every test below runs large inputs through the
// native @node-rs/crc32 when it is installed (and the pure-JS path through extendJs).
const backend = crc32cBackend();
/** Whether @node-rs/crc32 and its platform binary are installed and load (the optional dependency may be absent). */
const nativeInstalled = (() => {
  try {
    return typeof createRequire(import.meta.url)("@node-rs/crc32").crc32c === "function";
  } catch {
    return false;
  }
})();

const ascii = (s: string) => new TextEncoder().encode(s);

/** Bit-at-a-time reference (the definition). */
function reference(bytes: Uint8Array, init = 0): number {
  let c = ~init >>> 0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

test("check value and RFC 3720 (iSCSI) vectors", () => {
  assert.is(crc32c(ascii("123456789")), 0xe3069283);
  assert.is(extendJs(0, ascii("123456789")), 0xe3069283);
  assert.is(crc32c(new Uint8Array(0)), 0);
  assert.is(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.is(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.is(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.is(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
});

test("word path equals the bit-at-a-time definition for every length/alignment", () => {
  const r = rng(1);
  const big = Uint8Array.from({ length: 4096 + 64 }, () => Math.floor(r() * 256));
  for (let start = 0; start < 8; start++) {
    for (const len of [0, 1, 3, 15, 16, 17, 63, 64, 65, 79, 80, 81, 127, 128, 129, 255, 1000, 4096]) {
      const view = big.subarray(start, start + len);
      assert.is(crc32c(view), reference(view), `start ${start} len ${len}`);
      assert.is(extendJs(0, view), reference(view), `js: start ${start} len ${len}`);
    }
  }
});

test("extend composes; init continues a CRC", () => {
  const r = rng(2);
  const data = Uint8Array.from({ length: 3000 }, () => Math.floor(r() * 256));
  for (const cut of [0, 1, 5, 64, 100, 2999, 3000]) {
    assert.is(extend(crc32c(data.subarray(0, cut)), data.subarray(cut)), crc32c(data));
    assert.is(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut))), crc32c(data));
  }
  assert.is(reference(data.subarray(10), crc32c(data.subarray(0, 10))), crc32c(data));
});

test("native @node-rs/crc32 gives the pure-JS values (check value, random buffers, continuations)", () => {
  if (process.env.TFSM_CRC32C === "js") assert.is(backend, "js");
  else if (nativeInstalled) assert.is(backend, "native", "@node-rs/crc32 loads but is not used: it failed the self-check in src/loaders/crc32c.ts");
  if (backend !== "native") {
    console.log(`      native crc32c not ${nativeInstalled ? "enabled" : "installed"}: pure JS only`);
    return;
  }
  // extend() hands ≥ 128-byte inputs to the native code; extendJs never does.
  const check = ascii("123456789".repeat(15)).subarray(0, 135);
  assert.is(extend(0, check), extendJs(0, check));
  const nine = ascii("123456789");
  assert.is(createRequire(import.meta.url)("@node-rs/crc32").crc32c(nine), 0xe3069283);
  const r = rng(7);
  const big = Uint8Array.from({ length: 1 << 16 }, () => Math.floor(r() * 256));
  for (let k = 0; k < 300; k++) {
    const start = Math.floor(r() * 64);
    const len = k < 100 ? 120 + k : Math.floor(r() * (big.length - start));
    const init = k % 3 === 0 ? 0 : Math.floor(r() * 2 ** 32); // includes CRCs ≥ 2^31
    const view = big.subarray(start, start + len);
    assert.is(extend(init, view), extendJs(init, view), `start ${start} len ${len} init ${hex32(init)}`);
  }
  // a Node Buffer over a shared pool, and a view at an odd offset of a plain ArrayBuffer
  const buf = Buffer.from(big.subarray(5, 5000));
  assert.is(extend(1, buf), extendJs(1, buf));
  assert.is(extend(0, new Uint8Array(big.buffer, 3, 4000)), reference(new Uint8Array(big.buffer, 3, 4000)));
});

test("TFSM_CRC32C=js selects the pure-JS fallback", () => {
  const code = `import { crc32cBackend, crc32c } from ${JSON.stringify(new URL("../src/loaders/crc32c.ts", import.meta.url).href)};
    console.log(crc32cBackend(), crc32c(new TextEncoder().encode("123456789".repeat(20))).toString(16));`;
  const run = (env: Record<string, string>) => {
    const p = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8", env: { ...process.env, ...env } });
    assert.is(p.status, 0, p.stderr);
    return p.stdout.trim().split(" ");
  };
  const expected = reference(ascii("123456789".repeat(20))).toString(16);
  assert.equal(run({ TFSM_CRC32C: "js" }), ["js", expected]);
  assert.equal(run({ TFSM_CRC32C: "" }), [nativeInstalled ? "native" : "js", expected]);
});

test("extendUint32LE / extendUint64LE equal extending with the bytes", () => {
  for (const v of [0, 1, 127, 128, 613, 0xffff, 0x12345678, 0xffffffff]) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    assert.is(extendUint32LE(0x1234, v), extend(0x1234, b));
  }
  for (const v of [0, 5, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    assert.is(extendUint64LE(99, v), extend(99, b));
  }
});

test("mask/unmask (TF's constants, spec §7.4/§7.8)", () => {
  assert.is(mask(0), 0xa282ead8);
  assert.is(mask(crc32c(Uint8Array.of(0, 0, 0, 0x3f))), 0x1f273806); // entry "a" of half_plus_two
  const r = rng(3);
  for (let i = 0; i < 1000; i++) {
    const v = Math.floor(r() * 2 ** 32);
    assert.is(unmask(mask(v)), v);
    assert.is(mask(unmask(v)), v);
  }
  assert.is(hex32(0x1f273806), "0x1f273806");
  assert.is(hex32(5), "0x00000005");
});

test("throughput (reported; CI-safe floor)", () => {
  const n = 64 << 20;
  const buf = new Uint8Array(n);
  for (let i = 0; i < n; i += 7) buf[i] = i & 0xff;
  const speed = (f: (b: Uint8Array) => number): number => {
    f(buf.subarray(0, 1 << 20)); // warm up
    f(buf.subarray(1, 1 << 20));
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      f(buf);
      best = Math.min(best, performance.now() - t0);
    }
    return n / 1e6 / (best / 1000);
  };
  const js = speed((b) => extendJs(0, b));
  const used = backend === "native" ? speed((b) => crc32c(b)) : js;
  console.log(`      crc32c: ${used.toFixed(0)} MB/s (${backend})${backend === "native" ? `, pure JS ${js.toFixed(0)} MB/s` : ""} over ${n >> 20} MiB`);
  assert.ok(js > 150, `pure-JS crc32c too slow: ${js.toFixed(0)} MB/s`);
  assert.ok(used >= js * 0.5, `crc32c (${backend}) slower than pure JS: ${used.toFixed(0)} vs ${js.toFixed(0)} MB/s`);
});

test.run();
