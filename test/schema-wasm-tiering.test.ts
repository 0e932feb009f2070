import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

/**
 * A process that opens embedded shadows (a service calling the core library, say) gets V8's
 * optimising WebAssembly compiler back once the last shadow closes: a fresh module's hot function
 * is recompiled by TurboFan before, stays on the baseline code while a shadow is open (two, then
 * one), and is recompiled again after. V8's own test natives (--allow-natives-syntax) tell which.
 */
const PROBE = String.raw`
const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1,
  102, 0, 0, 10, 9, 1, 7, 0, 32, 0, 65, 1, 106, 11]);
let constant = 1;
// a module V8 has not compiled before (it caches compiled modules by their bytes), run hot
async function optimised() {
  bytes[35] = ++constant % 64;
  const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
  for (let round = 0; round < 1000; round++) {
    for (let i = 0; i < 100000; i++) f(i);
    if (%IsTurboFanFunction(f)) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}
(async () => {
  const { openShadow } = await import(process.argv[1]);
  const seen = { before: await optimised() };
  const options = { cacheDir: process.argv[2], mode: 'embedded' };
  const first = await openShadow(options);
  const second = await openShadow(options);
  seen.twoOpen = await optimised();
  await first.close();
  seen.oneOpen = await optimised();
  await second.close();
  seen.after = await optimised();
  process.stdout.write(JSON.stringify(seen));
})();
`;

const cacheDir = mkdtempSync(join(tmpdir(), 'mc-wasm-tiering-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('baseline-only WebAssembly while an embedded shadow is open', () => {
  it("is V8's default again once the last shadow closes", async () => {
    const run = await execa(
      process.execPath,
      ['--allow-natives-syntax', '-e', PROBE, `${repoRoot}dist/core/internal.js`, cacheDir],
      { timeout: 240_000 },
    );
    expect(JSON.parse(run.stdout)).toEqual({ before: true, twoOpen: false, oneOpen: false, after: true });
  }, 300_000);
});
