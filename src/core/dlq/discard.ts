import type { Pool } from 'pg';
import { invalidInput, notFound, rethrowSchemaMissing } from '../errors.js';
import { recordOperatorAction, type OperatorContext } from '../events/operations-log.js';
import { maskText } from '../mask/index.js';
import { checkDeadLetterIds } from './query.js';

export interface DiscardResult {
  id: string;
  webhookType: string;
  previousStatus: string;
  auditId: number;
}

/**
 * Gives up on dead letters for good (status 'discarded'), with the reason in each audit row. All
 * or nothing: an unknown or already processed id discards none.
 */
export async function discardDeadLetters(
  pool: Pool,
  ids: readonly string[],
  reason: string,
  operator: OperatorContext,
): Promise<DiscardResult[]> {
  checkDeadLetterIds(ids);
  const why = reason.trim();
  if (!why) throw invalidInput('A discard needs a reason.', { code: 'dlq.discard-no-reason' });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `SELECT id::text, webhook_type, status FROM webhook_dead_letters WHERE id = ANY($1::uuid[])
        ORDER BY created_at, id FOR UPDATE`,
      [[...new Set(ids)]],
    );
    const found = new Set(rows.map((r: any) => r.id));
    const missing = ids.filter((id) => !found.has(id.toLowerCase()));
    if (missing.length)
      throw notFound(`No dead letter ${missing.join(', ')}.`, { code: 'dlq.not-found', facts: { ids: missing } });
    const final = rows.filter((r: any) => r.status === 'processed' || r.status === 'discarded');
    if (final.length) {
      throw invalidInput(
        `${final.map((r: any) => `${r.id} is already ${r.status}`).join('; ')}; nothing was discarded.`,
        {
          code: 'dlq.discard-final',
          facts: { ids: final.map((r: any) => r.id) },
        },
      );
    }
    const results: DiscardResult[] = [];
    for (const r of rows) {
      await client.query(`UPDATE webhook_dead_letters SET status = 'discarded', updated_at = now() WHERE id = $1`, [
        r.id,
      ]);
      const auditId = await recordOperatorAction(client, {
        operation: 'dlq.discard',
        target: r.id,
        ...operator,
        outcome: 'succeeded',
        details: { webhookType: r.webhook_type, previousStatus: r.status, reason: maskText(why).slice(0, 500) },
      });
      results.push({ id: r.id, webhookType: r.webhook_type, previousStatus: r.status, auditId });
    }
    await client.query('COMMIT');
    return results;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    rethrowSchemaMissing(error);
  } finally {
    client.release();
  }
}
