import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

/** The leaf commands and the first example of each, read from the help screens as a user reads them. */
async function leafExamples(path: string[] = []): Promise<{ path: string; example: string[] | undefined }[]> {
  const { stdout } = await runInProcess([...path, '--help']);
  const subs = (stdout.split(/^Commands:$/m)[1]?.split(/\n\n/)[0] ?? '')
    .split('\n')
    .map((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1])
    .filter((n): n is string => Boolean(n) && n !== 'help');
  if (subs.length) {
    // one at a time: each in-process run listens for SIGINT while it lasts
    const leaves: { path: string; example: string[] | undefined }[] = [];
    for (const sub of subs) leaves.push(...(await leafExamples([...path, sub])));
    return leaves;
  }
  const examples = (stdout.split(/^Examples:$/m)[1] ?? '')
    .split('\n')
    .map((l) => /^ {2}medicalcor (.*)$/.exec(l)?.[1])
    .filter((e): e is string => Boolean(e))
    // what the shell would do around it (pipes, redirections, comments) is not the command's
    .map((e) => e.split(/\s(?:#|\||>|&&)\s?/)[0]!.trim())
    .filter((e) => !/--env\b|--config\b|--migrations-dir\b|--database-url\b/.test(e));
  return [{ path: path.join(' '), example: examples[0] ? split(examples[0]) : undefined }];
}

/** Words of a command line with "double quoted" parts kept together. */
const split = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);

/** JSON, or JSON lines: what a program reading `-o json` can parse. */
function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return text
      .trim()
      .split('\n')
      .every((line) => {
        try {
          JSON.parse(line);
          return true;
        } catch {
          return false;
        }
      });
  }
}

let db: TestDatabase;
let cwd: string;
const prefix = uniquePrefix('output-json');
beforeAll(async () => {
  db = await createTestDatabase('mc_output_json');
  await applySchema(db.url);
  cwd = mkdtempSync(join(tmpdir(), 'mc-output-json-'));
  mkdirSync(join(cwd, '.git'));
  // `migrate new` and `runbook new` write here, never into the repository
  cpSync(join(repoRoot, 'src', 'migrations'), join(cwd, 'migrations'), { recursive: true });
}, 120_000);
afterAll(async () => {
  await db?.drop();
  rmSync(cwd, { recursive: true, force: true });
});

describe('every command honours -o json or refuses it with exit 2', () => {
  it('run with its first example and -o json: stdout is JSON, or empty with an error', async () => {
    const env = {
      MEDICALCOR_DATABASE_URL: db.url,
      MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
      MEDICALCOR_REDIS_PREFIX: prefix,
      MEDICALCOR_MIGRATIONS_DIR: join(cwd, 'migrations'),
      XDG_CACHE_HOME: join(cwd, '.cache'),
      MEDICALCOR_ACTOR: 'ci@test',
    };
    const leaves = await leafExamples();
    expect(leaves.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    const outcome: Record<string, number> = {};
    for (const { path, example } of leaves) {
      const args = example ?? path.split(' ');
      const run = await runInProcess(['-o', 'json', ...args], { cwd, env });
      outcome[path] = run.exitCode;
      const printed = run.stdout.trim() !== '';
      if ([0, 3, 4].includes(run.exitCode) && !(printed && parsesAsJson(run.stdout)))
        wrong.push(`${path}: exit ${run.exitCode} without JSON on stdout`);
      if (printed && !parsesAsJson(run.stdout))
        wrong.push(`${path}: exit ${run.exitCode} with text that is not JSON: ${run.stdout.slice(0, 80)}`);
      // exit 2 with JSON is an invalid input reported in the asked format (runbook validate)
      if (run.exitCode === 2 && !run.stderr.includes('error')) wrong.push(`${path}: exit 2 without saying why`);
    }
    console.log(JSON.stringify(outcome));
    expect(wrong).toEqual([]);
    // most commands really answer in JSON (this is not a walk of refusals)
    expect(Object.values(outcome).filter((code) => [0, 3, 4].includes(code)).length).toBeGreaterThan(leaves.length / 2);
  }, 600_000);
});
