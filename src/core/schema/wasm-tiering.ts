import { setFlagsFromString } from 'node:v8';

/**
 * V8 runs a WebAssembly module on code from its baseline compiler (Liftoff), then recompiles the
 * functions that run often with its optimising compiler (TurboFan) in the background. For the
 * embedded shadow (PostgreSQL, a 9 MB module that lives for a few seconds) that recompilation never
 * pays back: measured on a cold `schema check`, it was half the CPU time (about 1.3 of 2.8 s) and
 * about 100 MiB of resident memory (compiler zones, a second copy of the code).
 *
 * V8 decides it while the module runs (setting the flag back after the start-up alone lets the
 * recompilation happen), so the setting holds while any shadow is open and V8's defaults are put
 * back when the last one closes. Other WebAssembly a long-lived process runs in the meantime is
 * baseline-only too: slower, never wrong.
 */
let holders = 0;

/** Baseline-only WebAssembly from now until the returned release is called (safe to call twice). */
export function holdBaselineWasm(): () => void {
  if (holders++ === 0) setFlagsFromString('--liftoff-only');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders > 0) return;
    // --liftoff-only also turned the other two off; they are on by default in every Node this runs on
    for (const flag of ['--no-liftoff-only', '--wasm-dynamic-tiering', '--wasm-tier-up']) setFlagsFromString(flag);
  };
}
