import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from './helpers/redis.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

/**
 * A patient's name pasted where an ID, a name or a flag value belongs: every command refuses it
 * (exit 2) and says what is wrong without echoing it. A one-word value is still quoted, so a typo
 * shows. Each site builds its own message, so each is attacked here.
 */
const NAME = 'Ion Popescu';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('mc_typed');
  await applySchema(db.url);
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

const cli = (args: string[]) =>
  runInProcess(args, { env: { MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_REDIS_URL: TEST_REDIS_URL } });

describe('a refused value of several words is described, not echoed', () => {
  it.each([
    [['sagas', 'show', NAME], 'is not a saga id'],
    [['incident', 'show', NAME], 'is not an incident ID'],
    [['runbook', 'run', NAME], 'is not a runbook id'],
    [['schema', 'diff', NAME, 'migrations'], 'is not a database URL'],
    [['breaker', 'open', NAME, '--for', '1m', '--reason', 'x'], 'is not a breaker name'],
    [['breaker', 'open', 'whatsapp', '--for', NAME, '--reason', 'x'], 'is not a duration'],
    [['budget', 'status', '--tenant', NAME], 'is not a tenant id'],
    [['trace', 'c-1', '--since', NAME], 'is not a duration'],
    [['trace', 'c-1', '--view', NAME], 'is not a view'],
  ])('%j', async (args, problem) => {
    const run = await cli(args);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`a value of 2 words ${problem}`);
    expect(run.stderr).not.toContain('Popescu');
    expect(run.stdout).not.toContain('Popescu');
  });

  it('a one-word value is still quoted, so the typo can be seen', async () => {
    const run = await cli(['trace', 'c-1', '--since', '5mins']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--since "5mins" is not a duration');
  });
});
