import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { CliError, ExitCode } from '../output/index.js';
import { configFileSchema, type ConfigFile } from './schema.js';

export const CONFIG_FILE_NAME = 'medicalcor.config.yaml';

/** The project's file (this directory or a parent), then the user's config directory. */
export function findConfigFile(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.MEDICALCOR_CONFIG) return resolve(cwd, env.MEDICALCOR_CONFIG);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  const userDir = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const userFile = join(userDir, 'medicalcor', CONFIG_FILE_NAME);
  return existsSync(userFile) ? userFile : undefined;
}

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  return `${file}: ${key}: ${issue.message}`;
}

export function readConfigFile(file: string): ConfigFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`${file}: not valid YAML: ${reason}`, ExitCode.Usage, 'Fix the syntax and run the command again.');
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    throw new CliError(
      describeIssue(file, first!) + (rest.length ? ` (and ${rest.length} more)` : ''),
      ExitCode.Usage,
      'See "Configuration" in the README for the keys an environment takes.',
    );
  }
  return parsed.data;
}
