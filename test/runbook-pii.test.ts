/**
 * Patient data in runbook output and audit rows: the shipped patient-journey-failure runbook
 * meets a dead letter and a failed call whose error texts name the patient after a cue
 * ("for Ion Popescu"), with a phone and an e-mail. None of it may reach the report (-o json) or
 * runbook_step_runs; the journey is still re-queued.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

let db: TestDatabase;
let project: string;
const correlationId = 'corr-pii-7f3a';
const NAME = 'Ion Popescu';

beforeAll(async () => {
  db = await createTestDatabase('mc_runbook_pii');
  await applySchema(db.url);
  project = mkdtempSync(join(tmpdir(), 'mc-runbook-pii-'));
  await db.pool.query(
    `insert into webhook_dead_letters (webhook_type, correlation_id, payload, retry_count, max_retries, last_error,
        status)
     values ('whatsapp', $1, '{}', 5, 5, $2, 'failed')`,
    [correlationId, `HubSpot 409: contact exists for ${NAME} (+40 721 234 567, ion.popescu@gmail.com)`],
  );
  await db.pool.query(
    `insert into integration_logs (service, direction, operation, correlation_id, status, http_status, error_code,
        error_message)
     values ('hubspot', 'outbound', 'contacts.create', $1, 'failure', 409, 'CONTACT_EXISTS', $2)`,
    [correlationId, `duplicate contact for ${NAME}`],
  );
});

afterAll(async () => {
  await db?.drop();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('patient-journey-failure keeps the patient out of its output and audit', () => {
  it('re-queues the dead letter; no name, phone or e-mail in ' +
    'the report or in runbook_step_runs of its own steps', async () => {
    const result = await runInProcess(
      [
        'runbook',
        'run',
        'patient-journey-failure',
        '-p',
        `correlationId=${correlationId}`,
        '--execute',
        '--yes',
        '-o',
        'json',
      ],
      {
        cwd: project,
        env: {
          MEDICALCOR_DATABASE_URL: db.url,
          MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
          MEDICALCOR_REDIS_PREFIX: uniquePrefix('pii'),
        },
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    const own = report.steps.filter((s: { id: string }) => s.id !== 'trace');
    expect(own.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'dead-letters:succeeded',
      'failed-calls:succeeded',
      'breakers:succeeded',
      'requeue-dead-letters:succeeded',
    ]);
    expect(own[0].output).toContain('has_error');
    expect(own[1].output).toContain('CONTACT_EXISTS');
    const { rows } = await db.pool.query(
      `select step_id, output, error from runbook_step_runs where run_id = $1 and step_id <> 'trace'`,
      [report.runId],
    );
    expect(rows).toHaveLength(4);
    for (const text of [JSON.stringify(own), JSON.stringify(rows), result.stderr]) {
      expect(text).not.toContain('Popescu');
      expect(text).not.toContain('721 234');
      expect(text).not.toContain('ion.popescu');
    }
    const status = await db.pool.query(`select status from webhook_dead_letters where correlation_id = $1`, [
      correlationId,
    ]);
    expect(status.rows[0].status).toBe('pending');
  }, 120_000);
});
