/**
 * Where a process's memory goes while tfsm loads and runs one SavedModel, step
 * by step: RSS, V8 heap, external and ArrayBuffer memory, the wasm backend's
 * linear memory, live tfjs tensors, and the peak RSS so far. Each figure is
 * the median over several child processes (the machine is noisy).
 *
 *   node --import tsx scripts/bench/memory-profile.ts [--dir <saved model>] [--procs 5] [--runs 10]
 *        [--tsx] [--cpu] [--eager] [--node-flags "--max-semi-space-size=4"] [--json]
 *   node --import tsx scripts/bench/memory-profile.ts [--dir <saved model>] --write-inputs <tmp dir>
 *
 * Without --dir the largest model of the shared corpus is profiled. The child
 * runs the built library (dist/, `npm run build` first) under plain
 * `node --expose-gc`, as users run it; --tsx runs src/ under the tsx loader
 * instead (its module-hooks thread alone adds ~35 MB of RSS). --cpu also
 * loads the cpu backend up front, to show what it costs; --eager decodes the
 * whole saved_model.pb as `tfsm show` does; --node-flags passes V8 options.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ROOT, dirSize, median } from "./util.js";
import { corpusPresent, entryHasModel, manifest, modelDirs } from "../conformance/corpus.js";
import { loadSavedModel } from "../../src/runtime/model.js";
import { exampleFeatureSpecs, rng, synthesize } from "../conformance/synth.js";
import { writeNpy } from "../../src/format/npy.js";

export interface Step {
  step: string;
  rssMB: number;
  heapUsedMB: number;
  /** V8 heap reserved, and of it the young generation (two semi-spaces, up to 2 × 16 MB). */
  heapTotalMB: number;
  newSpaceMB: number;
  externalMB: number;
  arrayBuffersMB: number;
  wasmMB: number;
  maxRssMB: number;
  tensors: number;
  backends: string;
}

/**
 * The child: plain JS (so it can run without tsx), given its settings in
 * TFSM_PROFILE. Prints one JSON line: the steps.
 */
const CHILD = String.raw`
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import v8 from "node:v8";
const cfg = JSON.parse(process.env.TFSM_PROFILE);
const require = createRequire(cfg.root + "/package.json");
const mod = (p) => import(cfg.root + "/" + cfg.src + "/" + p + cfg.ext);
const MB = 1024 * 1024;
const steps = [];
let tf;
const snap = (step) => {
  const m = process.memoryUsage();
  const space = (name) => v8.getHeapSpaceStatistics().find((s) => s.space_name === name)?.space_size ?? 0;
  const reg = tf ? tf.engine().registry : {};
  const heap = reg.wasm && reg.wasm.wasm && reg.wasm.wasm.HEAPU8;
  steps.push({
    step,
    rssMB: m.rss / MB,
    heapUsedMB: m.heapUsed / MB,
    heapTotalMB: m.heapTotal / MB,
    newSpaceMB: space("new_space") / MB,
    externalMB: m.external / MB,
    arrayBuffersMB: m.arrayBuffers / MB,
    wasmMB: heap ? heap.buffer.byteLength / MB : 0,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    tensors: tf ? tf.engine().state.numTensors : 0, // not tf.memory(): it would start a backend
    backends: Object.keys(reg).join("+"),
  });
};
const gc = () => { for (let i = 0; i < 3; i++) globalThis.gc(); };
snap("node started");
tf = require("@tensorflow/tfjs-core");
snap("tfjs-core required");
if (cfg.cpu) { require("@tensorflow/tfjs-backend-cpu"); snap("cpu backend required"); }
require("@tensorflow/tfjs-backend-wasm");
snap("wasm backend required");
const { loadMetaGraph } = await mod("runtime/model");
const { initBackend } = await mod("runtime/backend");
const { selectMetaGraph } = await mod("loaders/savedmodel");
// Not "lazy reader, else eager": a moved export must fail here, not silently profile the eager path.
const readSavedModel = cfg.eager ? (await mod("loaders/savedmodel")).readSavedModel : (await mod("loaders/savedmodel-lazy")).readSavedModelLazily;
if (typeof readSavedModel !== "function") throw new Error("memory-profile: the SavedModel reader was not found where this profile expects it");
const { readNpy } = await mod("loaders/npy");
snap("tfsm runtime imported");
await initBackend();
snap("initBackend()");
const file = readSavedModel(cfg.dir);
const mg = selectMetaGraph(file, "serve");
snap("saved_model.pb read+decoded");
const model = await loadMetaGraph(file, mg);
snap("variables restored, init run");
const inputs = Object.fromEntries(Object.entries(cfg.inputs).map(([k, p]) => [k, readNpy(readFileSync(p), p)]));
let t = performance.now();
model.run(cfg.signature, inputs);
const firstRunMs = performance.now() - t;
snap("first run");
const runMs = [];
for (let i = 0; i < cfg.runs; i++) {
  t = performance.now();
  model.run(cfg.signature, inputs);
  runMs.push(performance.now() - t);
}
snap("after " + cfg.runs + " more runs");
gc();
snap("gc");
model.close();
gc();
snap("model closed, gc");
runMs.sort((a, b) => a - b);
// Resident memory by mapping (Linux): node's own binary, shared libraries, the malloc heap, the wasm
// backend's linear memory (the anonymous mapping of exactly its size), and other anonymous memory
// (V8's heap pages, malloc's thread arenas, large malloc blocks).
function residentByMapping() {
  let text;
  try { text = readFileSync("/proc/self/smaps", "utf8"); } catch { return undefined; }
  const wasmBytes = tf.engine().registry.wasm?.wasm?.HEAPU8?.buffer.byteLength ?? -1;
  const out = { nodeBinary: 0, sharedLibs: 0, otherFiles: 0, mallocHeap: 0, wasmMemory: 0, otherAnon: 0 };
  let cur = "otherAnon";
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      const size = parseInt(m[2], 16) - parseInt(m[1], 16);
      const name = m[3];
      cur = name === process.execPath ? "nodeBinary" : name.includes(".so") ? "sharedLibs" : name.startsWith("/") ? "otherFiles" : name === "[heap]" ? "mallocHeap" : size === wasmBytes ? "wasmMemory" : "otherAnon";
      continue;
    }
    const r = /^Rss:\s+(\d+) kB/.exec(line);
    if (r) out[cur] += Number(r[1]) / 1024;
  }
  return out;
}
console.log(JSON.stringify({ steps, firstRunMs, runMs: runMs[runMs.length >> 1], resident: residentByMapping() }));
`;

export function largestCorpusModel(): { id: string; dir: string; size: number } | null {
  if (!corpusPresent()) return null;
  const sized = manifest()
    .filter(entryHasModel)
    .map((e) => ({ id: e.id, dir: modelDirs(e)[0].dir }))
    .map((x) => ({ ...x, size: dirSize(x.dir) }))
    .sort((a, b) => b.size - a.size);
  return sized[0] ?? null;
}

/** Synthesized inputs for `dir`'s default signature, written as .npy files into `tmp`. */
export async function writeInputs(dir: string, tmp: string, batch = 1): Promise<{ signature: string; inputs: Record<string, string> }> {
  const model = await loadSavedModel(dir);
  try {
    const key = model.signatures.serving_default ? "serving_default" : Object.keys(model.signatures).filter((k) => !k.startsWith("__")).sort()[0];
    const sig = model.signatures[key];
    const features = exampleFeatureSpecs(model.metaGraph);
    const rand = rng(7);
    const inputs: Record<string, string> = {};
    for (const [k, s] of Object.entries(sig.inputs)) {
      if (s.sparse) throw new Error(`input ${k} is sparse; the memory profile feeds dense inputs only`);
      const nd = synthesize({ ...s, shape: s.shape === null ? null : s.shape.map((d, i) => (i === 0 && d < 0 ? batch : d)) }, features, rand);
      const p = join(tmp, `${k.replace(/[^\w.-]/g, "_")}.npy`);
      writeFileSync(p, writeNpy(nd));
      inputs[k] = p;
    }
    return { signature: key, inputs };
  } finally {
    model.close();
  }
}

export interface ProfileConfig {
  dir: string;
  signature: string;
  /** Input key → .npy file. */
  inputs: Record<string, string>;
  /** Runs after the first. */
  runs: number;
  /** Run src/ under tsx instead of dist/ under plain node. */
  tsx?: boolean;
  /** Require the cpu backend up front. */
  cpu?: boolean;
  /** Decode saved_model.pb eagerly (loaders/savedmodel.ts) rather than as loadSavedModel does. */
  eager?: boolean;
  /** Extra node options for the child, e.g. ["--max-semi-space-size=4"]. */
  nodeFlags?: string[];
}

export interface Profile {
  steps: Step[];
  firstRunMs: number;
  /** Median of the runs after the first. */
  runMs: number;
  /** At the end (model closed, gc): resident MB by kind of mapping (Linux /proc/self/smaps). */
  resident?: Record<string, number>;
}

/** One child process. */
export function profileOnce(cfg: ProfileConfig): Profile {
  const env = {
    ...process.env,
    TFSM_PROFILE: JSON.stringify({ root: ROOT.replace(/\/$/, ""), src: cfg.tsx ? "src" : "dist", ext: cfg.tsx ? ".ts" : ".js", ...cfg }),
  };
  const args = [...(cfg.tsx ? ["--import", "tsx"] : []), ...(cfg.nodeFlags ?? []), "--expose-gc", "--input-type=module", "-e", CHILD];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", cwd: ROOT, env });
  if (r.status !== 0) {
    const lines = (r.stderr || "").split("\n").filter((l) => l.length < 400); // the wasm module's minified source is one huge line
    throw new Error(`profile child failed:\n${lines.slice(-12).join("\n")}`);
  }
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

/** Median of each figure over `procs` child processes. */
export function profile(cfg: ProfileConfig, procs = 5): Profile {
  const all = Array.from({ length: procs }, () => profileOnce(cfg));
  const round = (x: number) => Number(x.toFixed(1));
  const steps = all[0].steps.map((s, i) => {
    const med = (f: keyof Step) => round(median(all.map((a) => a.steps[i][f] as number)));
    return {
      step: s.step,
      rssMB: med("rssMB"),
      heapUsedMB: med("heapUsedMB"),
      heapTotalMB: med("heapTotalMB"),
      newSpaceMB: med("newSpaceMB"),
      externalMB: med("externalMB"),
      arrayBuffersMB: med("arrayBuffersMB"),
      wasmMB: med("wasmMB"),
      maxRssMB: med("maxRssMB"),
      tensors: med("tensors"),
      backends: s.backends,
    };
  });
  const resident = all[0].resident ? Object.fromEntries(Object.keys(all[0].resident).map((k) => [k, round(median(all.map((a) => a.resident![k])))])) : undefined;
  return { steps, firstRunMs: round(median(all.map((a) => a.firstRunMs))), runMs: round(median(all.map((a) => a.runMs))), resident };
}

export function table(steps: Step[]): string {
  const rows = steps.map((s, i) => {
    const d = i ? s.rssMB - steps[i - 1].rssMB : s.rssMB;
    return `| ${s.step} | ${s.rssMB.toFixed(1)} | ${d >= 0 ? "+" : ""}${d.toFixed(1)} | ${s.heapUsedMB.toFixed(1)} | ${s.heapTotalMB.toFixed(1)} | ${s.newSpaceMB.toFixed(1)} | ${s.externalMB.toFixed(1)} | ${s.arrayBuffersMB.toFixed(1)} | ${s.wasmMB.toFixed(1)} | ${s.tensors} | ${s.maxRssMB.toFixed(1)} | ${s.backends || "-"} |`;
  });
  return [
    "| step | RSS MB | ΔRSS | heapUsed | heapTotal | young gen | external | arrayBuffers | wasm memory | tensors | peak RSS | backends |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...rows,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const flag = (name: string) => argv.includes(`--${name}`);
  const largest = opt("dir") ? null : largestCorpusModel();
  const dir = opt("dir") ?? largest?.dir;
  if (!dir) throw new Error("no --dir and no shared corpus");
  const into = opt("write-inputs");
  if (into) {
    // For callers that cannot await: writes the inputs into the given directory, prints {signature, inputs}.
    console.log(JSON.stringify(await writeInputs(dir, into)));
    process.exit(0);
  }
  const tsx = flag("tsx");
  if (!tsx && !existsSync(join(ROOT, "dist/runtime/model.js"))) throw new Error("dist/ is missing: run `npm run build` first (or pass --tsx)");
  const tmp = mkdtempSync(join(tmpdir(), "tfsm-memprof-"));
  try {
    const { signature, inputs } = await writeInputs(dir, tmp);
    const nodeFlags = opt("node-flags")?.split(/\s+/).filter(Boolean);
    const p = profile({ dir, signature, inputs, runs: Number(opt("runs") ?? 10), tsx, cpu: flag("cpu"), eager: flag("eager"), nodeFlags }, Number(opt("procs") ?? 5));
    if (flag("json")) console.log(JSON.stringify(p));
    else {
      const size = dirSize(dir) / 1e6;
      const how = [tsx ? "src/ under tsx" : "dist/ under plain node", ...(nodeFlags ?? []), flag("eager") ? "eager decode" : "", flag("cpu") ? "cpu backend loaded" : ""].filter(Boolean).join(", ");
      console.log(`${dir} (${size.toFixed(2)} MB on disk; budget 2× + 100 = ${(2 * size + 100).toFixed(1)} MB), ${how}, signature ${signature}\n`);
      console.log(table(p.steps));
      console.log(`\nfirst run ${p.firstRunMs} ms, later runs ${p.runMs} ms (medians)`);
      if (p.resident) console.log(`resident at the end, MB: ${Object.entries(p.resident).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
