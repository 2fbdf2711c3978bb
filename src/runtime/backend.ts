/**
 * The compute backend behind the kernels: @tensorflow/tfjs-core with the
 * wasm backend (SIMD; measured 19× the cpu backend on matmul) by default and
 * the cpu backend for the few kernels wasm lacks. When the user has
 * @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node installed, their native
 * 'tensorflow' backend is used instead; neither is ever required.
 * `TFSM_BACKEND=wasm|cpu|tensorflow` forces a choice.
 *
 * Under wasm the cpu backend's module (~1.5 MB of RSS once loaded) is only
 * required when something first asks for the 'cpu' backend or one of its
 * kernels: a stand-in factory registered under that name loads it.
 */
import { createRequire } from "node:module";
import type * as tfTypes from "@tensorflow/tfjs-core";
import { TfsmError } from "../errors.js";

// tfjs ships CommonJS bundles. Importing them from ESM makes Node scan each
// megabyte-sized bundle for its export names (cjs-module-lexer, measured at
// ~90 ms of a 520 ms cold `tfsm run`); require() skips that.
const require = createRequire(import.meta.url);
const tf: typeof tfTypes = require("@tensorflow/tfjs-core");

export { tf };
/** tfjs's tensor types under the same name as the value, as `import * as tf` would give. */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace tf {
  type Tensor = tfTypes.Tensor;
  type Tensor1D = tfTypes.Tensor1D;
  type Tensor2D = tfTypes.Tensor2D;
  type Tensor3D = tfTypes.Tensor3D;
  type Tensor4D = tfTypes.Tensor4D;
  type Tensor5D = tfTypes.Tensor5D;
  type Rank = tfTypes.Rank;
  type DataType = tfTypes.DataType;
  namespace io {
    type WeightsManifestEntry = tfTypes.io.WeightsManifestEntry;
  }
}
export type TfTensor = tfTypes.Tensor;

let initialized: Promise<string> | undefined;

function tryRequire(name: string): boolean {
  try {
    require(name);
    return true;
  } catch {
    return false;
  }
}

async function init(): Promise<string> {
  tf.env().set("PROD", true); // no debug checks, no NaN scans on every op
  const forced = process.env.TFSM_BACKEND;
  if (forced === "tensorflow" || forced === undefined) {
    if (tryRequire("@tensorflow/tfjs-node-gpu") || tryRequire("@tensorflow/tfjs-node")) {
      if (await tf.setBackend("tensorflow")) return "tensorflow";
    }
    if (forced === "tensorflow") throw new TfsmError("RuntimeError", "TFSM_BACKEND=tensorflow, but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node could be loaded");
  }
  if (forced !== "cpu") {
    require("@tensorflow/tfjs-backend-wasm");
    registerLazyCpu();
    if (await withoutModuleProcessHooks(() => tf.setBackend("wasm"))) return "wasm";
  }
  loadCpu();
  if (await tf.setBackend("cpu")) return "cpu";
  throw new TfsmError("RuntimeError", "no tfjs backend could be initialised");
}

/**
 * Runs `start` and removes the process-wide `uncaughtException` and
 * `unhandledRejection` listeners it added. The wasm backend's Emscripten
 * module installs listeners that rethrow from inside its one-line minified
 * source, so any later uncaught error in the host program was reported with
 * that whole line (hundreds of kilobytes) as its location.
 */
async function withoutModuleProcessHooks<T>(start: () => Promise<T>): Promise<T> {
  const uncaught = new Set(process.listeners("uncaughtException"));
  const unhandled = new Set(process.listeners("unhandledRejection"));
  try {
    return await start();
  } finally {
    for (const l of process.listeners("uncaughtException")) if (!uncaught.has(l)) process.removeListener("uncaughtException", l);
    for (const l of process.listeners("unhandledRejection")) if (!unhandled.has(l)) process.removeListener("unhandledRejection", l);
  }
}

let cpuLoaded = false;

/** Requires the cpu backend's module: registers its kernels (and, unless a stand-in is registered, its factory). */
function loadCpu(): typeof import("@tensorflow/tfjs-backend-cpu") {
  const cpu: typeof import("@tensorflow/tfjs-backend-cpu") = require("@tensorflow/tfjs-backend-cpu");
  cpuLoaded = true;
  return cpu;
}

/**
 * Registers 'cpu' with a factory that loads the module on first use
 * (`tf.findBackend("cpu")`, `tf.setBackend("cpu")`). The module's own
 * registration then finds the name taken and keeps this factory (tfjs only
 * warns, and not in PROD mode); its kernels register as usual.
 */
function registerLazyCpu(): void {
  if (cpuLoaded || tf.findBackendFactory("cpu")) return;
  tf.registerBackend("cpu", () => new (loadCpu().MathBackendCPU)(), 1);
}

/** Initialises the backend once; resolves to its name. */
export function initBackend(): Promise<string> {
  initialized ??= init();
  return initialized;
}

export function backendName(): string {
  return tf.getBackend();
}

const cpuOnly = new Map<string, boolean>();

/**
 * Runs `fn` on the cpu backend when the active backend has no kernel named
 * `kernelName` (wasm lacks e.g. Complex, FFT, UnsortedSegmentSum); tfjs moves
 * the input data between backends itself.
 */
export function withKernel<T>(kernelName: string, fn: () => T): T {
  const active = tf.getBackend();
  let needCpu = cpuOnly.get(kernelName);
  if (needCpu === undefined) {
    needCpu = active !== "cpu" && !tf.getKernel(kernelName, active) && !!tf.findBackend("cpu") && !!tf.getKernel(kernelName, "cpu");
    cpuOnly.set(kernelName, needCpu);
  }
  if (!needCpu) return fn();
  tf.setBackend("cpu");
  try {
    return fn();
  } finally {
    tf.setBackend(active);
  }
}
