import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

test("after the wasm backend starts, a host program's uncaught error is reported by Node, not rethrown from the wasm glue", () => {
  const script = `import { initBackend } from "./src/runtime/backend.ts"; await initBackend(); throw new Error("boom from host");`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", env: { ...process.env, TFSM_BACKEND: "wasm" }, timeout: 60_000 });
  assert.is(r.status, 1);
  assert.match(r.stderr, "boom from host");
  assert.not.match(r.stderr, "WasmBackendModule", "the error is located in the host script, not in the minified wasm glue");
  assert.ok(r.stderr.length < 4000, `stderr is ${r.stderr.length} characters`);
});

test.run();
