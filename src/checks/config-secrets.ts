import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SECRET_QUERY_PARAM } from '../core/redact.js';
import { fail, pass, skip, type Check } from './types.js';

/** Where a string value carries a credential: a URL password, or a token-like query parameter. */
function credentialIn(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.password) return 'a password in the URL';
  const param = [...url.searchParams.keys()].find((k) => SECRET_QUERY_PARAM.test(k) && url.searchParams.get(k));
  return param ? `a "${param}" parameter in the URL` : undefined;
}

function* strings(value: unknown, path: string[]): Generator<{ path: string; value: string }> {
  if (typeof value === 'string') yield { path: path.join('.'), value };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, String(i)]);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

/**
 * Every environment in the file, not only the one in use: a production password written into the
 * file is a leak whichever environment the command was run for.
 */
export const configSecretsCheck: Check = {
  id: 'config-secrets',
  title: 'No secrets written in the config file',
  required: true,
  async run(ctx) {
    const file = ctx.config.configFile;
    if (!file) return skip('no configuration file');
    const raw = parseYaml(readFileSync(file, 'utf8')) as unknown;
    const found: string[] = [];
    for (const { path, value } of strings(raw, [])) {
      const what = credentialIn(value);
      if (what) found.push(`${path} (${what})`);
    }
    if (found.length) {
      return fail(
        `${file}: ${found.join(', ')}`,
        'Move each secret to an environment variable and write { env: VARIABLE_NAME } in its place; rotate the ' +
          'secret, it has been in a file.',
      );
    }
    return pass(`${file} holds no secret in plain text`);
  },
};
