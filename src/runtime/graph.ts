/**
 * A GraphDef or FunctionDef indexed for execution: nodes by position, every
 * data input resolved to (producer, flat output index), control inputs
 * separated. FunctionDef bodies name tensors `node:out_arg:idx`; those are
 * mapped to flat indices through the producing op's OpDef (from the
 * MetaGraph's stripped_op_list, or the called function's signature).
 */
import type { FunctionDef, GraphDef, NodeDef, OpDef } from "../proto/gen/graph_pb.js";
import { Attrs } from "./attrs.js";
import { TfsmError } from "../errors.js";

export interface TensorRef {
  node: number;
  out: number;
}

/** One number per tensor, for maps and sets (a node has far fewer than 2^20 outputs). */
export const refKey = (r: TensorRef): number => r.node * 1048576 + r.out;

export type ControlFlowKind = "switch" | "merge" | "enter" | "exit" | "next" | undefined;

export interface GNode {
  readonly index: number;
  readonly name: string;
  readonly op: string;
  readonly def: NodeDef;
  readonly attrs: Attrs;
  inputs: TensorRef[];
  controls: number[];
  /** Flat output count from the OpDef, or -1 when the op is unknown. */
  readonly numOutputs: number;
  readonly cf: ControlFlowKind;
  /** Set for a function's argument pseudo-nodes: index of the input arg. */
  readonly argIndex?: number;
  /** An input that could not be resolved: reported if the node is ever run. */
  inputError?: string;
}

/** OpDefs by op name: the MetaGraph's stripped op list plus library function signatures. */
export class OpRegistry {
  private readonly ops = new Map<string, OpDef>();
  readonly functions = new Map<string, FunctionDef>();

  constructor(
    opList: readonly OpDef[],
    library: readonly FunctionDef[],
    /** OpDefs for ops the model's list lacks (stripped_op_list is often incomplete). */
    private readonly fallback: (op: string) => OpDef | undefined = () => undefined,
  ) {
    for (const op of opList) this.ops.set(op.name, op);
    for (const fn of library) if (fn.signature) this.functions.set(fn.signature.name, fn);
  }

  opDef(op: string): OpDef | undefined {
    return this.functions.get(op)?.signature ?? this.ops.get(op) ?? this.fallback(op);
  }
}

const CF: Record<string, ControlFlowKind> = {
  Switch: "switch", RefSwitch: "switch",
  Merge: "merge", RefMerge: "merge",
  Enter: "enter", RefEnter: "enter",
  Exit: "exit", RefExit: "exit",
  NextIteration: "next", RefNextIteration: "next",
};

/** Count of tensors each arg of `args` expands to, given a node's attrs. */
function argCounts(args: OpDef["outputArg"], attrs: Attrs): number[] {
  return args.map((a) => (a.numberAttr ? attrs.int(a.numberAttr) : a.typeListAttr ? attrs.listLength(a.typeListAttr) : 1));
}

export class Graph {
  readonly nodes: GNode[] = [];
  readonly byName = new Map<string, number>();
  /** For functions: the arg pseudo-node of each input arg. */
  readonly args: number[] = [];
  /** For functions: the tensor of each output arg, in signature order. */
  readonly rets: TensorRef[] = [];
  readonly controlRets: number[] = [];
  readonly hasV1ControlFlow: boolean;
  /** Display name for errors: the function name, or undefined for the main graph. */
  readonly functionName: string | undefined;

  private constructor(functionName: string | undefined, hasV1: boolean) {
    this.functionName = functionName;
    this.hasV1ControlFlow = hasV1;
  }

  where(node: GNode): string {
    return `node '${node.name}' (op ${node.op}${this.functionName ? ` in function '${this.functionName}'` : ""})`;
  }

  static fromGraphDef(g: GraphDef | undefined, registry: OpRegistry): Graph {
    const defs = g?.node ?? [];
    const graph = new Graph(undefined, defs.some((n) => CF[n.op] !== undefined));
    for (const def of defs) graph.addNode(def, registry);
    for (const node of graph.nodes) {
      for (const input of node.def.input) {
        if (input.startsWith("^")) {
          const src = graph.byName.get(input.slice(1));
          if (src === undefined) node.inputError ??= `control input '${input}' names no node`;
          else node.controls.push(src);
          continue;
        }
        const colon = input.lastIndexOf(":");
        const name = colon > 0 && /^\d+$/.test(input.slice(colon + 1)) ? input.slice(0, colon) : input;
        const out = name === input ? 0 : Number(input.slice(colon + 1));
        const src = graph.byName.get(name);
        if (src === undefined) node.inputError ??= `input '${input}' names no node`;
        else node.inputs.push({ node: src, out });
      }
    }
    return graph;
  }

  static fromFunctionDef(fn: FunctionDef, registry: OpRegistry): Graph {
    const sig = fn.signature!;
    const graph = new Graph(sig.name, fn.nodeDef.some((n) => CF[n.op] !== undefined));
    const argRange = new Map<string, number>();
    sig.inputArg.forEach((arg, i) => {
      const index = graph.nodes.length;
      const def = { name: arg.name, op: "_Arg", input: [], device: "", attr: {} } as unknown as NodeDef;
      graph.nodes.push({
        index, name: arg.name, op: "_Arg", def, attrs: new Attrs({}, undefined, () => arg.name),
        inputs: [], controls: [], numOutputs: 1, cf: undefined, argIndex: i,
      });
      graph.args.push(index);
      argRange.set(arg.name, index);
    });
    for (const def of fn.nodeDef) graph.addNode(def, registry);

    // Output-arg offsets per node, for `node:out_arg:idx` references.
    const offsets = new Map<number, Map<string, [number, number]>>();
    const offsetsOf = (n: GNode): Map<string, [number, number]> | undefined => {
      let m = offsets.get(n.index);
      if (m) return m;
      const opDef = registry.opDef(n.op);
      if (!opDef) return undefined;
      m = new Map();
      const counts = argCounts(opDef.outputArg, n.attrs);
      let start = 0;
      opDef.outputArg.forEach((a, i) => {
        m!.set(a.name, [start, counts[i]]);
        start += counts[i];
      });
      offsets.set(n.index, m);
      return m;
    };
    const resolve = (ref: string, user: string): TensorRef[] => {
      const parts = ref.split(":");
      const arg = argRange.get(parts[0]);
      if (arg !== undefined && parts.length <= 2) return [{ node: arg, out: 0 }];
      const src = graph.byName.get(parts[0]);
      if (src === undefined || parts.length < 2) throw new Error(`'${ref}' names no argument or node`);
      const srcNode = graph.nodes[src];
      const m = offsetsOf(srcNode);
      if (!m) throw new Error(`'${ref}': no OpDef for op ${srcNode.op} to resolve output '${parts[1]}'`);
      const range = m.get(parts[1]);
      if (!range) throw new Error(`'${ref}': op ${srcNode.op} has no output named '${parts[1]}'`);
      if (parts.length === 3) {
        const idx = Number(parts[2]);
        if (!(idx >= 0 && idx < range[1])) throw new Error(`'${ref}': index out of range for ${user}`);
        return [{ node: src, out: range[0] + idx }];
      }
      return Array.from({ length: range[1] }, (_, i) => ({ node: src, out: range[0] + i }));
    };
    for (const node of graph.nodes) {
      if (node.argIndex !== undefined) continue;
      for (const input of node.def.input) {
        try {
          if (input.startsWith("^")) {
            const src = graph.byName.get(input.slice(1));
            if (src === undefined) throw new Error(`control input '${input}' names no node`);
            node.controls.push(src);
          } else node.inputs.push(...resolve(input, node.name));
        } catch (e) {
          node.inputError ??= (e as Error).message;
        }
      }
    }
    for (const out of sig.outputArg) {
      const ref = fn.ret[out.name];
      if (ref === undefined) throw new TfsmError("InvalidArgumentError", `function '${sig.name}' has no return value for output '${out.name}'`);
      try {
        graph.rets.push(resolve(ref, `return value '${out.name}'`)[0]);
      } catch (e) {
        throw new TfsmError("InvalidArgumentError", `function '${sig.name}': return value '${out.name}': ${(e as Error).message}`);
      }
    }
    for (const name of Object.keys(fn.controlRet)) {
      const node = graph.byName.get(fn.controlRet[name]);
      if (node !== undefined) graph.controlRets.push(node);
    }
    return graph;
  }

  private addNode(def: NodeDef, registry: OpRegistry): void {
    const index = this.nodes.length;
    const opDef = registry.opDef(def.op);
    const node: GNode = {
      index, name: def.name, op: def.op, def,
      attrs: new Attrs(def.attr, opDef, () => this.where(node)),
      inputs: [], controls: [], numOutputs: -1, cf: CF[def.op],
    };
    if (opDef) {
      try {
        (node as { numOutputs: number }).numOutputs = argCounts(opDef.outputArg, node.attrs).reduce((a, b) => a + b, 0);
      } catch {
        // attrs inconsistent with the OpDef: leave unknown; the kernel decides.
      }
    }
    if (this.byName.has(def.name)) throw new TfsmError("InvalidArgumentError", `duplicate node name '${def.name}'${this.functionName ? ` in function '${this.functionName}'` : ""}`);
    this.byName.set(def.name, index);
    this.nodes.push(node);
  }

  /** Parses a tensor name `node:k` (`:0` optional) into a reference. */
  tensorRef(name: string): TensorRef {
    const colon = name.lastIndexOf(":");
    const hasIndex = colon > 0 && /^\d+$/.test(name.slice(colon + 1));
    const nodeName = hasIndex ? name.slice(0, colon) : name;
    const node = this.byName.get(nodeName);
    if (node === undefined) throw new TfsmError("KeyError", `The name '${name}' refers to a Tensor which does not exist. The operation, '${nodeName}', does not exist in the graph.`);
    return { node, out: hasIndex ? Number(name.slice(colon + 1)) : 0 };
  }

  nodeIndex(name: string): number {
    const n = this.byName.get(name);
    if (n === undefined) throw new TfsmError("KeyError", `The name '${name}' refers to an Operation not in the graph.`);
    return n;
  }
}
