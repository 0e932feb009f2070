import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * For dist/commands/trace.cjs (tsup.config.ts): pg's password hashing (pg/lib/crypto/utils.js)
 * requires node:crypto and its Web Crypto on load, a sizeable part of a trace's start-up, though
 * only password authentication (MD5, SCRAM) ever calls it. In the bundle, pg's two requires of it
 * get a stand-in that requires the real module on the first call.
 */
export const lazyPgCrypto: Plugin = {
  name: 'lazy-pg-crypto',
  setup(build) {
    build.onResolve({ filter: /^\.\/(crypto\/)?utils$/ }, (args) => {
      const fromClient = args.path === './crypto/utils' && /[/\\]pg[/\\]lib[/\\]client\.js$/.test(args.importer);
      const fromSasl = args.path === './utils' && /[/\\]pg[/\\]lib[/\\]crypto[/\\]sasl\.js$/.test(args.importer);
      if (!fromClient && !fromSasl) return undefined;
      const real = join(dirname(args.importer), `${args.path}.js`);
      return { path: real, namespace: 'lazy-pg-crypto' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-pg-crypto' }, (args) => ({
      contents: `let real;
module.exports = new Proxy({}, { get: (_, key) => (real ??= require(${JSON.stringify(args.path)}))[key] });`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * For the same bundle: src/core/db/pg.ts loads pg with createRequire, which keeps pg out of an ES
 * module build's graph but would make the trace bundle read pg from node_modules file by file. Here
 * the same load is a plain require, which esbuild bundles, through the same Response-hiding helper.
 */
export const bundledPg: Plugin = {
  name: 'bundled-pg',
  setup(build) {
    build.onLoad({ filter: /[/\\]src[/\\]core[/\\]db[/\\]pg\.ts$/ }, (args) => ({
      contents:
        "import { withoutResponse } from './without-response.js';\n" +
        "export const { Pool, Client } = withoutResponse(() => require('pg'));\n",
      loader: 'ts',
      resolveDir: dirname(args.path),
    }));
  },
};
