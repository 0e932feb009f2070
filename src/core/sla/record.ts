import type { Pool } from '../db/index.js';
import { isWorse } from './catalogue.js';
import type { SlaPeriodReport } from './report.js';

export interface BreachRecordResult {
  inserted: number;
  updated: number;
}

interface Row {
  id: string;
  started_at: Date;
  ended_at: Date | null;
  worst_value: number;
}

/**
 * Writes the report's breach periods into sla_breaches, so the platform keeps a history that
 * outlives Prometheus' retention. Re-running over an overlapping period merges into the rows
 * already there instead of adding duplicates. A period that reaches the end of a report ending
 * "now" is still going on: it is stored with no end, and closed by a later run.
 */
export async function recordBreaches(
  pool: Pool,
  report: SlaPeriodReport,
  options: { endsNow: boolean },
): Promise<BreachRecordResult> {
  const result: BreachRecordResult = { inserted: 0, updated: 0 };
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (const sla of report.slas) {
      const worst = (a: number, b: number) => (isWorse(sla.direction, a, b) ? a : b);
      for (const period of sla.breaches) {
        const ongoing = options.endsNow && period.to.getTime() >= report.to.getTime() - report.stepSeconds * 1000;
        const endedAt = ongoing ? null : period.to;
        const { rows } = await client.query<Row>(
          `select id::text, started_at, ended_at, worst_value from sla_breaches
            where sla_id = $1 and severity = 'breach' and started_at <= $3 and (ended_at is null or ended_at >= $2)
            order by started_at limit 1 for update`,
          [sla.id, period.from, period.to],
        );
        const details = {
          step_seconds: report.stepSeconds,
          query: sla.queries.periods,
          thresholds: sla.thresholds,
          unit: sla.unit,
        };
        const existing = rows[0];
        if (!existing) {
          await client.query(
            'insert into sla_breaches (sla_id, started_at, ended_at, worst_value, objective, severity, details) ' +
              `values ($1, $2, $3, $4, $5, 'breach', $6)`,
            [sla.id, period.from, endedAt, period.worstValue, sla.objective, JSON.stringify(details)],
          );
          result.inserted++;
          continue;
        }
        const startedAt = existing.started_at < period.from ? existing.started_at : period.from;
        // an open row stays open only while the breach is still going on
        const end =
          endedAt === null ? null : existing.ended_at && existing.ended_at > endedAt ? existing.ended_at : endedAt;
        await client.query(`update sla_breaches set started_at = $2, ended_at = $3, worst_value = $4 where id = $1`, [
          existing.id,
          startedAt,
          end,
          worst(existing.worst_value, period.worstValue),
        ]);
        result.updated++;
      }
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return result;
}

export interface OpenBreach {
  slaId: string;
  /** when the earliest of its open breach rows started */
  startedAt: Date;
}

/** The SLAs with a breach row still open (the platform, or `sla report --record`, closes it on recovery). */
export async function openBreaches(pool: Pool): Promise<OpenBreach[]> {
  const { rows } = await pool.query<{ sla_id: string; started_at: Date }>(
    `select sla_id, min(started_at) as started_at from sla_breaches where ended_at is null and severity = 'breach' ` +
      'group by sla_id order by sla_id',
  );
  return rows.map((r) => ({ slaId: r.sla_id, startedAt: r.started_at }));
}
