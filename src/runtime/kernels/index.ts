/** The one kernel registry: every family's table merged. A name defined twice is a bug. */
import type { KernelTable } from "./types.js";
import { controlKernels } from "./control.js";
import { functionalKernels } from "./functional.js";
import { resourceKernels } from "./resource.js";
import { ioKernels } from "./io.js";
import { mathKernels } from "./math.js";
import { nnKernels } from "./nn.js";
import { imageKernels } from "./image.js";
import { codecKernels } from "./codecs.js";
import { randomKernels } from "./random.js";
import { arrayKernels } from "./array.js";
import { stringKernels } from "./string.js";
import { parsingKernels } from "./parsing.js";
import { lookupKernels } from "./lookup.js";
import { sparseKernels } from "./sparse.js";
import { loggingKernels } from "./logging.js";
import { listKernels } from "./list.js";
import { rnnKernels } from "./rnn.js";
import { optionalKernels } from "./optional.js";
import { trainingKernels } from "./training.js";
import { signalKernels } from "./signal.js";
import { fusedKernels } from "./fused.js";
import { quantizationKernels } from "./quantization.js";
import { specialKernels } from "./special.js";
import { statisticsKernels } from "./statistics.js";
import { serializationKernels } from "./serialization.js";
import { debugKernels } from "./debug.js";

const FAMILIES: Record<string, KernelTable> = {
  control: controlKernels,
  functional: functionalKernels,
  resource: resourceKernels,
  io: ioKernels,
  math: mathKernels,
  nn: nnKernels,
  image: imageKernels,
  codecs: codecKernels,
  random: randomKernels,
  array: arrayKernels,
  string: stringKernels,
  parsing: parsingKernels,
  lookup: lookupKernels,
  sparse: sparseKernels,
  logging: loggingKernels,
  list: listKernels,
  rnn: rnnKernels,
  optional: optionalKernels,
  training: trainingKernels,
  signal: signalKernels,
  fused: fusedKernels,
  quantization: quantizationKernels,
  special: specialKernels,
  statistics: statisticsKernels,
  serialization: serializationKernels,
  debug: debugKernels,
};

function merge(): KernelTable {
  const all: Record<string, KernelTable[string]> = {};
  const owner: Record<string, string> = {};
  for (const [family, table] of Object.entries(FAMILIES)) {
    for (const [op, k] of Object.entries(table)) {
      if (owner[op]) throw new Error(`internal: kernel ${op} defined by both ${owner[op]} and ${family}`);
      owner[op] = family;
      all[op] = k;
    }
  }
  return all;
}

export const KERNELS: KernelTable = merge();
export const KERNEL_FAMILY: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(FAMILIES).flatMap(([family, table]) => Object.keys(table).map((op) => [op, family])),
);
