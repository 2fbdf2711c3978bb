/** Deterministic randomness for the tests: one seeded PRNG, and mutation helpers for the parsers' fuzz tests. */

/** mulberry32: a small seeded PRNG, so every run mutates the same way. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const fuzzCases = (fallback = 10000) => Number(process.env.TFSM_FUZZ_CASES ?? fallback);

/** One random mutation of `src`: truncation, flipped bytes, inserted huge varints, spliced or repeated chunks. */
export function mutateBytes(src: Uint8Array, rand: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const b = Array.from(src);
  switch (int(6)) {
    case 0:
      return Uint8Array.from(b.slice(0, int(b.length)));
    case 1: {
      const flips = 1 + int(8);
      for (let i = 0; i < flips && b.length; i++) b[int(b.length)] ^= 1 << int(8);
      return Uint8Array.from(b);
    }
    case 2: {
      const huge = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01].slice(int(5));
      b.splice(int(b.length + 1), 0, ...huge);
      return Uint8Array.from(b);
    }
    case 3: {
      const start = int(b.length);
      const len = int(Math.min(64, b.length - start) + 1);
      b.splice(int(b.length + 1), 0, ...b.slice(start, start + len));
      return Uint8Array.from(b);
    }
    case 4: {
      for (let i = 0, n = 1 + int(16); i < n && b.length; i++) b[int(b.length)] = int(256);
      return Uint8Array.from(b);
    }
    default: {
      const at = int(b.length + 1);
      b.splice(at, int(32));
      return Uint8Array.from(b);
    }
  }
}
