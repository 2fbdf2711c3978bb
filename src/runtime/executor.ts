/**
 * Executes a graph for given feeds, fetches and targets. Graphs without TF1
 * control flow run over a compiled plan: pruned to what the fetches need,
 * topologically ordered, inputs pre-resolved to slots, each intermediate
 * released right after its last consumer. Graphs with Switch/Merge/Enter/
 * Exit/NextIteration run on the dataflow executor (dataflow.ts).
 */
import { refKey, type Graph, type TensorRef } from "./graph.js";
import type { SessionState } from "./state.js";
import { Tensor } from "./tensor.js";
import { deref, invoke, kernelFor, type Value } from "./invoke.js";
import type { KernelSpec } from "./kernels/types.js";
import { runDataflow } from "./dataflow.js";
import { optimize } from "./optimize.js";
import { TfsmError } from "../errors.js";


interface Step {
  node: number;
  kernel: KernelSpec;
  inputs: Int32Array;
  /** [output index, slot] pairs for the outputs anyone reads. */
  outputs: Int32Array;
  release: Int32Array;
  /** Memoized (see optimize.ts): the last inputs and outputs, held. */
  memo: { inputs: Value[]; outputs: Value[] } | null | undefined;
}

interface Plan {
  steps: Step[];
  slots: number;
  feedSlots: Int32Array;
  fetchSlots: Int32Array;
}

/** The nodes needed for fetches/targets, in an order where producers come first; null on a cycle. */
export function neededNodes(graph: Graph, fed: Set<number>, fetches: readonly TensorRef[], targets: readonly number[]): number[] | null {
  const state = new Uint8Array(graph.nodes.length); // 0 new, 1 on stack, 2 done
  const order: number[] = [];
  const fullyFed = (n: number) => fed.has(refKey({ node: n, out: 0 })) && graph.nodes[n].numOutputs <= 1;
  const roots = [...fetches.filter((f) => !fed.has(refKey(f))).map((f) => f.node), ...targets];
  for (const root of roots) {
    if (state[root] === 2) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const node = graph.nodes[top[0]];
      const nIn = node.inputs.length;
      const i = top[1]++;
      if (i < nIn + node.controls.length) {
        let dep: number;
        if (i < nIn) {
          const r = node.inputs[i];
          if (fed.has(refKey(r))) continue;
          dep = r.node;
        } else {
          dep = node.controls[i - nIn];
          if (fullyFed(dep)) continue;
        }
        if (state[dep] === 1) return null;
        if (state[dep] === 0) {
          state[dep] = 1;
          stack.push([dep, 0]);
        }
      } else {
        state[top[0]] = 2;
        order.push(top[0]);
        stack.pop();
      }
    }
  }
  return order;
}

function compilePlan(state: SessionState, graph: Graph, order: number[], feeds: readonly TensorRef[], fetches: readonly TensorRef[]): Plan {
  const units = optimize(state, graph, order, fetches, (node) => kernelFor(state, graph, node));
  const slotOf = new Map<number, number>();
  let slots = 0;
  const feedSlots = new Int32Array(feeds.length);
  feeds.forEach((f, i) => {
    let s = slotOf.get(refKey(f));
    if (s === undefined) slotOf.set(refKey(f), (s = slots++));
    feedSlots[i] = s;
  });
  const fedKeys = new Set(feeds.map(refKey));
  const slotFor = (r: TensorRef) => {
    let s = slotOf.get(refKey(r));
    if (s === undefined) slotOf.set(refKey(r), (s = slots++));
    return s;
  };
  const readers = new Map<number, number>(); // slot -> last step reading it
  const produced = new Map<number, [number, number][]>(); // node -> [out, slot]
  const steps: Step[] = units.map((unit, stepIndex) => {
    const inputs = new Int32Array(unit.inputs.length);
    unit.inputs.forEach((r, i) => {
      const s = slotFor(r);
      inputs[i] = s;
      readers.set(s, stepIndex);
      if (!fedKeys.has(refKey(r))) {
        const list = produced.get(r.node) ?? [];
        if (!list.some(([o]) => o === r.out)) list.push([r.out, s]);
        produced.set(r.node, list);
      }
    });
    return { node: unit.node, kernel: unit.kernel, inputs, outputs: new Int32Array(0), release: new Int32Array(0), memo: unit.memo ? null : undefined };
  });
  // Memoized values hold backend memory until the session closes.
  state.onClose(() => {
    for (const step of steps) if (step.memo) releaseMemo(step.memo);
  });
  const fetchSlots = new Int32Array(fetches.length);
  fetches.forEach((f, i) => {
    const s = slotFor(f);
    fetchSlots[i] = s;
    readers.set(s, Infinity);
    if (!fedKeys.has(refKey(f))) {
      const list = produced.get(f.node) ?? [];
      if (!list.some(([o]) => o === f.out)) list.push([f.out, s]);
      produced.set(f.node, list);
    }
  });
  const releaseAt = new Map<number, number[]>();
  for (const [slot, last] of readers) {
    if (last === Infinity) continue;
    const l = releaseAt.get(last) ?? [];
    l.push(slot);
    releaseAt.set(last, l);
  }
  steps.forEach((step, i) => {
    step.outputs = Int32Array.from((produced.get(step.node) ?? []).flat());
    step.release = Int32Array.from(releaseAt.get(i) ?? []);
  });
  return { steps, slots, feedSlots, fetchSlots };
}

function releaseMemo(m: { inputs: Value[]; outputs: Value[] }): void {
  for (const v of [...m.inputs, ...m.outputs]) if (v instanceof Tensor) v.release();
}

function hold(v: Value): Value {
  if (v instanceof Tensor) v.retain();
  return v;
}

const planCache = new WeakMap<Graph, Map<string, Plan | "dataflow">>();

/** The last plan used per graph, checked by identity first: a function call reuses the same arrays every time. */
const lastPlan = new WeakMap<Graph, { feeds: readonly TensorRef[]; fetches: readonly TensorRef[]; targets: readonly number[]; plan: Plan | "dataflow" }>();

/**
 * Runs `graph` and returns the fetched tensors, each retained once for the
 * caller (who must release them). Feeds are not consumed.
 */
export function execute(
  state: SessionState,
  graph: Graph,
  feeds: readonly TensorRef[],
  feedValues: readonly Value[],
  fetches: readonly TensorRef[],
  targets: readonly number[],
): Tensor[] {
  const last = lastPlan.get(graph);
  let plan: Plan | "dataflow" | undefined;
  if (last && last.feeds === feeds && last.fetches === fetches && last.targets === targets) plan = last.plan;
  else {
    let cache = planCache.get(graph);
    if (!cache) planCache.set(graph, (cache = new Map()));
    const cacheKey = `${feeds.map(refKey).join(",")}|${fetches.map(refKey).join(",")}|${targets.join(",")}`;
    plan = cache.get(cacheKey);
    if (!plan) {
      const order = graph.hasV1ControlFlow ? null : neededNodes(graph, new Set(feeds.map(refKey)), fetches, targets);
      plan = order ? compilePlan(state, graph, order, feeds, fetches) : "dataflow";
      cache.set(cacheKey, plan);
    }
    lastPlan.set(graph, { feeds, fetches, targets, plan });
  }
  if (plan === "dataflow") return runDataflow(state, graph, feeds, feedValues, fetches, targets);
  return runPlan(state, graph, plan, feedValues);
}

function runPlan(state: SessionState, graph: Graph, plan: Plan, feedValues: readonly Value[]): Tensor[] {
  const values: (Value | undefined)[] = new Array(plan.slots);
  try {
    plan.feedSlots.forEach((s, i) => (values[s] = hold(feedValues[i])));
    for (const step of plan.steps) {
      const node = graph.nodes[step.node];
      const args = new Array<Value>(step.inputs.length);
      for (let i = 0; i < step.inputs.length; i++) args[i] = values[step.inputs[i]]!;
      let outs: Value[];
      const memo = step.memo;
      let hit = !!memo && memo.inputs.length === args.length;
      for (let i = 0; hit && i < args.length; i++) hit = memo!.inputs[i] === args[i];
      if (hit) outs = memo!.outputs;
      else {
        outs = invoke(state, graph, node, step.kernel, args);
        if (memo !== undefined) {
          if (memo) releaseMemo(memo);
          step.memo = { inputs: args.map(hold), outputs: outs.map(hold) };
        }
      }
      for (let i = 0; i < step.outputs.length; i += 2) {
        const v = outs[step.outputs[i]];
        if (v === undefined) throw new TfsmError("InternalError", `${graph.where(node)} produced no output ${step.outputs[i]}`);
        values[step.outputs[i + 1]] = hold(v);
      }
      for (const v of outs) if (v instanceof Tensor) v.disposeIfUnowned();
      for (const s of step.release) {
        const v = values[s];
        if (v instanceof Tensor) v.release();
        values[s] = undefined;
      }
    }
    const where = graph.functionName ? `function '${graph.functionName}'` : "fetch";
    return Array.from(plan.fetchSlots, (s) => {
      const v = deref(values[s]!, where);
      v.retain();
      return v;
    });
  } finally {
    for (const v of values) if (v instanceof Tensor) v.release();
  }
}
