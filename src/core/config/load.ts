import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { invalidInput } from '../errors.js';
import type { ConfigFile } from './schema.js';
import { searchUpward } from './search-upward.js';

export const CONFIG_FILE_NAME = 'medicalcor.config.yaml';

/** The project's file (this directory or a parent), then the user's config directory. */
export function findConfigFile(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.MEDICALCOR_CONFIG) return resolve(cwd, env.MEDICALCOR_CONFIG);
  for (const dir of searchUpward(cwd, env)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
  }
  const userDir = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const userFile = join(userDir, 'medicalcor', CONFIG_FILE_NAME);
  return existsSync(userFile) ? userFile : undefined;
}

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  return `${file}: ${key}: ${issue.message}`;
}

/**
 * zod and yaml cost tens of milliseconds to import; commands run without a config file should
 * not pay for them, so the parser is loaded (once, before any command runs) only when a file exists.
 */
let parser:
  | { schema: typeof import('./schema.js')['configFileSchema']; parseYaml: typeof import('yaml')['parse'] }
  | undefined;

export async function loadConfigParser(): Promise<void> {
  if (parser) return;
  const [{ configFileSchema }, { parse }] = await Promise.all([import('./schema.js'), import('yaml')]);
  parser = { schema: configFileSchema, parseYaml: parse };
}

export function readConfigFile(file: string): ConfigFile {
  if (!parser) throw new Error('loadConfigParser() must be awaited before a config file is read');
  const { schema: configFileSchema, parseYaml } = parser;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw invalidInput(`${file}: not valid YAML: ${reason}`, {
      code: 'config.bad-yaml',
      facts: { file },
      remedy: 'Fix the syntax and run the command again.',
    });
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    throw invalidInput(describeIssue(file, first!) + (rest.length ? ` (and ${rest.length} more)` : ''), {
      code: 'config.invalid',
      facts: { file, issues: parsed.error.issues.length },
      remedy: 'See "Configuration" in the README for the keys an environment takes.',
    });
  }
  return parsed.data;
}
