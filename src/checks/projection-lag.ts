import {
  ProjectionHealthMonitor,
  PROJECTION_STALE_AFTER_SECONDS,
  type ProjectionStatus,
} from '../core/projections/index.js';
import { ago, plural } from './support.js';
import { fail, pass, warn, type Check } from './types.js';

export { PROJECTION_STALE_AFTER_SECONDS };

export const projectionLagCheck: Check = {
  id: 'projection-lag',
  title: 'Projections keep up with the event store',
  required: true,
  async run(ctx) {
    const db = await ctx.database();
    const rows = await new ProjectionHealthMonitor(db.pool).status();
    if (rows.length === 0) return pass('no projections registered in projection_checkpoints');
    const failed = rows.filter((r) => r.health === 'failed');
    const stale = rows.filter((r) => r.health === 'stale');
    const paused = rows.filter((r) => r.health === 'paused' || r.health === 'rebuilding');
    const describe = (r: ProjectionStatus) =>
      `${r.name} (${r.lagEvents} events behind, oldest waiting ${ago(r.lagSeconds)})`;
    if (failed.length || stale.length) {
      const parts = [
        ...failed.map((r) => `${r.name} failed${r.lastError ? `: ${r.lastError.split('\n')[0]}` : ''}`),
        ...stale.map(describe),
      ];
      return fail(
        `${plural(failed.length + stale.length, 'projection')} stale (> ${ago(PROJECTION_STALE_AFTER_SECONDS)}): ` +
          `${parts.join('; ')}`,
        'Check the projection worker (logs, restarts); a failed projection needs its error fixed and a rebuild ' +
          '("medicalcor projections rebuild NAME").',
      );
    }
    if (paused.length) {
      return warn(
        paused.map((r) => `${r.name} is ${r.state}`).join('; '),
        'Resume the projection once the rebuild or maintenance is done ("medicalcor projections resume NAME").',
      );
    }
    const behind = rows.reduce((n, r) => n + r.lagEvents, 0);
    return pass(
      `${plural(rows.length, 'projection')} up to date${behind ? ` (${behind} recent events in flight)` : ''}`,
    );
  },
};
