/**
 * The dataflow executor for TF1 control flow (tf.cond / tf.while_loop v1):
 * Switch routes a value to one output and marks the other dead; deadness
 * propagates through ordinary ops; Merge forwards the first live input;
 * Enter/Exit move values into and out of loop frames; NextIteration carries
 * them to the next iteration. Every value is tagged with its frame instance
 * and iteration, as in TensorFlow's executor.
 */
import { refKey, type GNode, type Graph, type TensorRef } from "./graph.js";
import type { SessionState } from "./state.js";
import { Tensor } from "./tensor.js";
import { DataType } from "../dtypes.js";
import { deref, invoke, kernelFor, type Value } from "./invoke.js";
import { neededNodes } from "./executor.js";
import { TfsmError } from "../errors.js";

const DEAD = Symbol("dead");
/** What a control edge carries when its source ran live. */
const LIVE = Symbol("live");
type Slot = Value | typeof DEAD;

interface Edge {
  to: number;
  /** Input position at the consumer, or -1 for a control edge. */
  input: number;
  /** Producer output index (data edges). */
  out: number;
}

interface Arrival {
  inputs: (Slot | undefined)[];
  pending: number;
  dead: boolean;
  /** Merge: whether a live data input has arrived / how many dead ones. */
  mergeLive: boolean;
  mergeDeadData: number;
  controlsLeft: number;
  queued: boolean;
}

class Frame {
  readonly iterations = new Map<number, Map<number, Arrival>>();
  readonly constants: { node: number; value: Slot }[] = [];
  readonly children = new Map<string, Frame>();
  readonly liveExits = new Set<number>();
  outstanding = 0;
  /** Child frames (inner loops) not finished yet: the frame cannot finish before them. */
  activeChildren = 0;
  pendingEnters: number;
  maxIter = 0;
  done = false;
  constructor(
    readonly name: string,
    readonly parent: Frame | null,
    readonly parentIter: number,
    enters: number,
  ) {
    this.pendingEnters = enters;
  }
}

interface Item {
  node: number;
  frame: Frame;
  iter: number;
  arrival: Arrival;
}

const hold = (v: Slot) => {
  if (v instanceof Tensor) v.retain();
  return v;
};
const drop = (v: Slot | undefined) => {
  if (v instanceof Tensor) v.release();
};

export function runDataflow(
  state: SessionState,
  graph: Graph,
  feeds: readonly TensorRef[],
  feedValues: readonly Value[],
  fetches: readonly TensorRef[],
  targets: readonly number[],
): Tensor[] {
  const fedIndex = new Map<number, number>();
  feeds.forEach((f, i) => fedIndex.set(refKey(f), i));
  const needed = neededWithCycles(graph, new Set(fedIndex.keys()), fetches, targets);
  const nodes = graph.nodes;

  // Static structure: consumers, input counts, frames of nodes.
  const consumers = new Map<number, Edge[]>();
  const dataIn = new Map<number, number>();
  const ctlIn = new Map<number, number>();
  const backEdgeInputs = new Map<number, number>(); // merge -> # inputs from NextIteration
  const feedInputs = new Map<number, [number, number][]>(); // node -> [input pos, feed index]
  for (const n of needed) {
    const node = nodes[n];
    let d = 0;
    node.inputs.forEach((r, i) => {
      const fi = fedIndex.get(refKey(r));
      if (fi !== undefined) {
        const l = feedInputs.get(n) ?? [];
        l.push([i, fi]);
        feedInputs.set(n, l);
        return;
      }
      d++;
      const list = consumers.get(r.node) ?? [];
      list.push({ to: n, input: i, out: r.out });
      consumers.set(r.node, list);
      if (node.cf === "merge" && nodes[r.node].cf === "next") backEdgeInputs.set(n, (backEdgeInputs.get(n) ?? 0) + 1);
    });
    let c = 0;
    for (const src of node.controls) {
      if (!needed.has(src)) continue;
      c++;
      const list = consumers.get(src) ?? [];
      list.push({ to: n, input: -1, out: -1 });
      consumers.set(src, list);
    }
    dataIn.set(n, d);
    ctlIn.set(n, c);
  }
  const frameOf = assignFrames(graph, needed);
  const entersOf = new Map<string, number>();
  const exitsOf = new Map<string, number[]>();
  for (const n of needed) {
    const node = nodes[n];
    if (node.cf === "enter") {
      const name = node.attrs.str("frame_name");
      entersOf.set(name, (entersOf.get(name) ?? 0) + 1);
    } else if (node.cf === "exit") {
      const name = frameOf.get(n) ?? "";
      exitsOf.set(name, [...(exitsOf.get(name) ?? []), n]);
    }
  }

  const root = new Frame("", null, 0, 0);
  const queue: Item[] = [];
  const fetched = new Map<number, Value>();
  const fetchKeys = new Set(fetches.map(refKey));

  const arrivalFor = (frame: Frame, iter: number, n: number): Arrival => {
    let it = frame.iterations.get(iter);
    if (!it) {
      it = new Map();
      frame.iterations.set(iter, it);
      if (iter > frame.maxIter) frame.maxIter = iter;
      if (iter > 0) for (const c of frame.constants) deliverFrom(c.node, c.value, frame, iter);
    }
    let a = it.get(n);
    if (!a) {
      const node = nodes[n];
      a = {
        inputs: new Array(node.inputs.length),
        pending: (dataIn.get(n) ?? 0) + (ctlIn.get(n) ?? 0),
        dead: false,
        mergeLive: false,
        mergeDeadData: 0,
        controlsLeft: ctlIn.get(n) ?? 0,
        queued: false,
      };
      for (const [pos, fi] of feedInputs.get(n) ?? []) a.inputs[pos] = hold(feedValues[fi]);
      it.set(n, a);
    }
    return a;
  };

  const enqueue = (n: number, frame: Frame, iter: number, a: Arrival) => {
    if (a.queued) return;
    a.queued = true;
    frame.outstanding++;
    queue.push({ node: n, frame, iter, arrival: a });
  };

  /** Delivers an is_constant Enter's value (and its control signal) to a later iteration. */
  function deliverFrom(src: number, value: Slot, frame: Frame, iter: number): void {
    for (const e of consumers.get(src) ?? []) {
      if (e.input < 0) arrive(e, value === DEAD ? DEAD : LIVE, frame, iter);
      else if (e.out === 0) arrive(e, value, frame, iter);
    }
  }

  function arrive(e: Edge, value: Slot | typeof LIVE, frame: Frame, iter: number): void {
    const node = nodes[e.to];
    const a = arrivalFor(frame, iter, e.to);
    if (a.queued) return; // a Merge that already fired ignores its other inputs
    const isDead = value === DEAD;
    if (e.input >= 0) a.inputs[e.input] = hold(value as Slot);
    if (node.cf === "merge") {
      if (e.input < 0) {
        a.controlsLeft--;
        if (isDead) a.dead = true;
      } else if (!isDead) a.mergeLive = true;
      else a.mergeDeadData++;
      const dataInputs = (dataIn.get(e.to) ?? 0) - (iter === 0 ? backEdgeInputs.get(e.to) ?? 0 : 0);
      const allDead = a.mergeDeadData >= (iter === 0 ? dataInputs : backEdgeInputs.get(e.to) ?? dataInputs);
      if (a.controlsLeft === 0 && (a.mergeLive || allDead)) enqueue(e.to, frame, iter, a);
      return;
    }
    if (isDead) a.dead = true;
    if (--a.pending === 0) enqueue(e.to, frame, iter, a);
  }

  const childFrame = (parent: Frame, iter: number, name: string): Frame => {
    const k = `${iter}\u0000${name}`;
    let f = parent.children.get(k);
    if (!f) {
      f = new Frame(name, parent, iter, entersOf.get(name) ?? 0);
      parent.children.set(k, f);
      parent.activeChildren++;
    }
    return f;
  };

  const propagate = (n: number, frame: Frame, iter: number, outs: Slot[], deadAll: boolean) => {
    const node = nodes[n];
    let tFrame = frame;
    let tIter = iter;
    if (node.cf === "enter") {
      tFrame = childFrame(frame, iter, node.attrs.str("frame_name"));
      tIter = 0;
      tFrame.pendingEnters--;
      if (node.attrs.bool("is_constant", false)) {
        // Later iterations read it too: hold it until the frame is released.
        tFrame.constants.push({ node: n, value: hold(outs[0]) });
        for (const i of tFrame.iterations.keys()) if (i > 0) deliverFrom(n, outs[0], tFrame, i);
      }
    } else if (node.cf === "exit") {
      if (deadAll) return; // resolved when the frame completes
      frame.liveExits.add(n);
      tFrame = frame.parent!;
      tIter = frame.parentIter;
    } else if (node.cf === "next") {
      if (deadAll) return; // a dead NextIteration ends the loop instead of starting an iteration
      tIter = iter + 1;
    }
    if (tFrame === root) {
      for (let o = 0; o < outs.length; o++) {
        const k = refKey({ node: n, out: o });
        if (fetchKeys.has(k) && outs[o] !== DEAD) {
          const prev = fetched.get(k);
          if (prev instanceof Tensor) prev.release();
          fetched.set(k, hold(outs[o]) as Value);
        }
      }
    }
    for (const e of consumers.get(n) ?? []) {
      arrive(e, e.input < 0 ? (deadAll ? DEAD : LIVE) : outs[e.out] ?? DEAD, tFrame, tIter);
    }
    if (tFrame !== frame) checkDone(tFrame);
  };

  const checkDone = (frame: Frame) => {
    if (frame === root || frame.done || frame.outstanding > 0 || frame.pendingEnters > 0 || frame.activeChildren > 0) return;
    frame.done = true;
    frame.parent!.activeChildren--;
    for (const x of exitsOf.get(frame.name) ?? []) {
      if (frame.liveExits.has(x)) continue;
      const parent = frame.parent!;
      for (const e of consumers.get(x) ?? []) arrive(e, DEAD, parent, frame.parentIter);
    }
    if (frame.parent) checkDone(frame.parent);
  };

  // Sources: needed nodes with no pending inputs start in the root frame.
  for (const n of needed) {
    if ((dataIn.get(n) ?? 0) + (ctlIn.get(n) ?? 0) === 0) enqueue(n, root, 0, arrivalFor(root, 0, n));
  }

  try {
    let steps = 0;
    while (queue.length) {
      const item = queue.shift()!;
      const { node: n, frame, iter, arrival: a } = item;
      frame.outstanding--;
      const node = nodes[n];
      if (++steps > 50_000_000) throw new TfsmError("ResourceExhaustedError", "graph execution exceeded 50 million node runs");
      let outs: Slot[];
      let deadAll = false;
      try {
        if (node.cf === "merge") {
          const idx = a.inputs.findIndex((v) => v !== undefined && v !== DEAD);
          if (idx < 0 || a.dead) {
            deadAll = true;
            outs = [DEAD, DEAD];
          } else outs = [a.inputs[idx] as Value, Tensor.scalar(DataType.DT_INT32, idx)];
        } else if (a.dead && node.op !== "ControlTrigger") {
          deadAll = true;
          outs = new Array(Math.max(node.numOutputs, 1)).fill(DEAD);
        } else if (node.cf === "switch") {
          const pred = deref(a.inputs[1] as Value, graph.where(node)).numbers()[0] !== 0;
          outs = pred ? [DEAD, a.inputs[0] as Value] : [a.inputs[0] as Value, DEAD];
        } else if (node.cf === "enter" || node.cf === "exit" || node.cf === "next") {
          outs = [a.inputs[0] as Value];
        } else {
          outs = invoke(state, graph, node, kernelFor(state, graph, node), a.inputs as Value[]);
        }
        propagate(n, frame, iter, outs, deadAll);
        for (const v of outs) if (v instanceof Tensor) v.disposeIfUnowned();
      } finally {
        for (const v of a.inputs) drop(v);
        a.inputs.length = 0;
      }
      checkDone(frame);
    }
    return fetches.map((f) => {
      const v = fetched.get(refKey(f)) ?? (fedIndex.has(refKey(f)) ? feedValues[fedIndex.get(refKey(f))!] : undefined);
      if (v === undefined) {
        throw new TfsmError("InvalidArgumentError", `Retval of ${nodes[f.node].name}:${f.out} does not have a value (it is on an untaken branch or its loop never finished)`);
      }
      const t = deref(v, "fetch");
      t.retain();
      return t;
    });
  } finally {
    for (const v of fetched.values()) if (v instanceof Tensor) v.release();
    const releaseFrame = (f: Frame) => {
      for (const it of f.iterations.values()) for (const a of it.values()) for (const v of a.inputs) drop(v);
      for (const c of f.constants) drop(c.value);
      for (const c of f.children.values()) releaseFrame(c);
    };
    releaseFrame(root);
  }
}

/** Like neededNodes, but loops (NextIteration back edges) are allowed. */
function neededWithCycles(graph: Graph, fed: Set<number>, fetches: readonly TensorRef[], targets: readonly number[]): Set<number> {
  const seen = new Set<number>();
  const stack = [...fetches.filter((f) => !fed.has(refKey(f))).map((f) => f.node), ...targets];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const node = graph.nodes[n];
    for (const r of node.inputs) if (!fed.has(refKey(r))) stack.push(r.node);
    for (const c of node.controls) stack.push(c);
  }
  return seen;
}

/** The loop frame each node runs in ("" = root), derived from Enter/Exit structure. */
function assignFrames(graph: Graph, needed: Set<number>): Map<number, string> {
  const frameOf = new Map<number, string>();
  const parentOf = new Map<string, string>();
  const nodes = graph.nodes;
  const outFrame = (src: GNode): string | undefined => {
    const f = frameOf.get(src.index);
    if (f === undefined) return undefined;
    if (src.cf === "enter") {
      const child = src.attrs.str("frame_name");
      parentOf.set(child, f);
      return child;
    }
    if (src.cf === "exit") return parentOf.get(f) ?? "";
    return f;
  };
  let changed = true;
  for (const n of needed) if (nodes[n].inputs.length === 0 && nodes[n].controls.length === 0) frameOf.set(n, "");
  while (changed) {
    changed = false;
    for (const n of needed) {
      if (frameOf.has(n)) continue;
      const node = nodes[n];
      for (const src of [...node.inputs.map((r) => r.node), ...node.controls]) {
        if (!needed.has(src)) continue;
        const f = outFrame(nodes[src]);
        if (f !== undefined) {
          frameOf.set(n, f);
          changed = true;
          break;
        }
      }
      if (!frameOf.has(n) && node.inputs.every((r) => !needed.has(r.node))) {
        frameOf.set(n, "");
        changed = true;
      }
    }
  }
  return frameOf;
}
