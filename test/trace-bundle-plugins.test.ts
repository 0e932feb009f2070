import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';
import { lazyPgCrypto } from '../src/commands/trace-bundle-plugins.js';

const scratch = mkdtempSync(join(tmpdir(), 'mc-trace-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pg bundled for a trace (src/commands/trace-bundle-plugins.ts)', () => {
  it('loads node:crypto only when a password is hashed, and then hashes through it', async () => {
    const outfile = join(scratch, 'pg.cjs');
    await build({
      stdin: {
        contents: "module.exports = { sasl: require('pg/lib/crypto/sasl'), pg: require('pg') };",
        resolveDir: repoRoot,
        loader: 'js',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile,
      external: ['pg-native', 'pg-cloudflare'],
      plugins: [lazyPgCrypto],
      logLevel: 'error',
    });
    const script = `
      const loaded = () => process.moduleLoadList.includes('NativeModule crypto');
      // as the trace loads pg (trace-quiet-pg.ts): Node's fetch, which pg's Response probe would load, loads crypto too
      const response = Object.getOwnPropertyDescriptor(globalThis, 'Response');
      Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true });
      const { sasl, pg } = require(${JSON.stringify(outfile)});
      Object.defineProperty(globalThis, 'Response', response);
      const before = loaded();
      const session = sasl.startSession(['SCRAM-SHA-256']);
      console.log(JSON.stringify({
        before,
        after: loaded(),
        mechanism: session.mechanism,
        clientNonce: session.clientNonce.length,
        client: typeof pg.Client,
      }));`;
    // a script file, not -e: \`node -e\` loads node:crypto itself
    const file = join(scratch, 'probe.cjs');
    writeFileSync(file, script);
    const result = JSON.parse(execFileSync(process.execPath, [file], { cwd: repoRoot, encoding: 'utf8' }));
    expect(result).toEqual({
      before: false,
      after: true,
      mechanism: 'SCRAM-SHA-256',
      clientNonce: 24,
      client: 'function',
    });
  });
});
