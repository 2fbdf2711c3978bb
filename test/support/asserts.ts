/** Assertions that a call fails with one of our typed errors (not just any throw). */
import * as assert from "uvu/assert";
import { DecodeError, TfsmError } from "../../src/errors.js";

/** `f` throws a DecodeError (the loaders' bounds-checked parse failure), whose message matches `re` if given. */
export function throwsDecode(f: () => unknown, re?: RegExp): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, DecodeError);
    if (re) assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable("expected a DecodeError");
}

/** `fn` throws a TfsmError of TF's class `cls` whose message contains `text`. */
export function throwsTf(fn: () => unknown, text: string, cls = "InvalidArgumentError"): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, TfsmError, String(e));
    assert.is((e as TfsmError).pyClass, cls, (e as Error).message);
    assert.ok((e as Error).message.includes(text), (e as Error).message);
    return;
  }
  assert.unreachable("no error");
}
