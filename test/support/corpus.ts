/**
 * The shared corpus for tests that read real SavedModels: the same location
 * rule as the conformance suite (TFSM_CORPUS, else ../shared/corpus beside
 * the checkout). Without it such tests are not registered at all, so they
 * can neither pass vacuously nor fail; one line on stdout says so.
 */
import { join } from "node:path";
import { CORPUS, corpusPresent } from "../../scripts/conformance/corpus.js";

export { CORPUS };
export const GOLDEN = join(CORPUS, "golden");

/** Calls `register` (which declares the corpus tests) only when the corpus is there. */
export function withCorpus(what: string, register: () => void): void {
  if (corpusPresent()) register();
  else console.log(`  (no corpus at ${CORPUS}: ${what} not run)`);
}
