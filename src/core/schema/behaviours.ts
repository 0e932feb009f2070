import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { displayName } from './model.js';
import type { PolicyBehaviour, PolicyViolation } from './policy.js';

/** What proving one behaviour found: the expectations that did not hold, in words. */
export interface BehaviourResult {
  name: string;
  table?: string;
  failures: string[];
}

const firstLine = (sql: string) => sql.trim().split('\n')[0]!.slice(0, 80);
const errorText = (error: unknown) => (error as Error).message.split('\n')[0]!;

/** The first value of the last statement's result, as text (what psql would print). */
function lastValue(reply: pg.QueryResult | pg.QueryResult[]): string | null | undefined {
  const last = Array.isArray(reply) ? reply.at(-1) : reply;
  const row = last?.rows?.[0] as Record<string, unknown> | undefined;
  if (!row) return undefined;
  const value = Object.values(row)[0];
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Proves each behaviour on `client` (the shadow) inside a transaction that is always rolled
 * back, so nothing the setup writes or the probe role created survives.
 */
export async function proveBehaviours(
  client: pg.ClientBase,
  behaviours: readonly PolicyBehaviour[],
): Promise<BehaviourResult[]> {
  const results: BehaviourResult[] = [];
  for (const behaviour of behaviours)
    results.push({ name: behaviour.name, table: behaviour.table, failures: await prove(client, behaviour) });
  return results;
}

async function prove(client: pg.ClientBase, behaviour: PolicyBehaviour): Promise<string[]> {
  const failures: string[] = [];
  await client.query('begin');
  try {
    let role: string | undefined;
    try {
      for (const sql of behaviour.setup) await client.query(sql);
      if (behaviour.role) {
        role = `medicalcor_policy_probe_${randomBytes(4).toString('hex')}`;
        // a plain role: not a superuser, no BYPASSRLS, not the tables' owner
        await client.query(`create role ${role} nologin nosuperuser nobypassrls`);
        await client.query(`grant usage on schema public to ${role}`);
        for (const grant of behaviour.role.grants) await client.query(`grant ${grant} to ${role}`);
      }
    } catch (error) {
      return [`its setup failed: ${errorText(error)}`];
    }
    for (const expectation of behaviour.expect) {
      await client.query('savepoint medicalcor_behaviour');
      let reply: pg.QueryResult | pg.QueryResult[] | undefined;
      let failure: unknown;
      try {
        if (role) await client.query(`set local role ${role}`);
        reply = (await client.query(expectation.sql)) as pg.QueryResult | pg.QueryResult[];
      } catch (error) {
        failure = error ?? new Error('failed');
      }
      await client.query('rollback to savepoint medicalcor_behaviour');
      if (role) await client.query('reset role');
      const what = `"${firstLine(expectation.sql)}"`;
      if (expectation.fails && !failure) failures.push(`${what} succeeded; it must fail`);
      else if (!expectation.fails && failure) failures.push(`${what} failed: ${errorText(failure)}`);
      else if (expectation.returns !== undefined && !failure) {
        const value = reply ? lastValue(reply) : undefined;
        if (value !== expectation.returns)
          failures.push(
            `${what} returned ${value === undefined ? 'no row' : value === null ? 'null' : `"${value}"`}, ` +
              `not "${expectation.returns}"`,
          );
      }
    }
  } finally {
    await client.query('rollback').catch(() => {});
  }
  return failures;
}

/** Behaviours that did not hold, as policy violations. */
export function behaviourViolations(
  results: readonly BehaviourResult[],
  where: string,
  policyFile: string,
): PolicyViolation[] {
  return results
    .filter((r) => r.failures.length)
    .map((r) => ({
      rule: 'behaviour' as const,
      table: r.table ? displayName(r.table) : r.name,
      message: `behaviour "${r.name}" does not hold in the ${where}: ${r.failures.join('; ')}`,
      where,
      policyFile,
    }));
}
