import type { ProjectionChange, ProjectionStatus } from '../../core/projections/index.js';
import { formatDuration } from '../../core/time/index.js';
import { makeChalk, renderTable } from '../../cli-kit/index.js';

export function renderProjectionStatus(rows: ProjectionStatus[], color: boolean): string {
  if (rows.length === 0) return 'No projections registered in projection_checkpoints.';
  const chalk = makeChalk(color);
  const paint = (text: string, r: ProjectionStatus) =>
    r.health === 'ok'
      ? chalk.green(text)
      : r.health === 'failed' || r.health === 'stale'
        ? chalk.red(text)
        : chalk.yellow(text);
  return renderTable(
    rows,
    [
      { header: 'PROJECTION', value: (r) => r.name },
      { header: 'STATE', value: (r) => r.state },
      { header: 'HEALTH', value: (r) => r.health, style: paint },
      { header: 'POSITION', value: (r) => `${r.position}/${r.head}` },
      { header: 'LAG EVENTS', value: (r) => r.lagEvents },
      { header: 'LAG TIME', value: (r) => (r.lagEvents ? formatDuration(r.lagSeconds * 1000) : '') },
      {
        header: 'REBUILD',
        value: (r) =>
          r.rebuild && r.state === 'rebuilding'
            ? `to ${r.rebuild.targetPosition} (${percent(r.position, r.rebuild.targetPosition)})`
            : '',
      },
      { header: 'LAST ERROR', value: (r) => r.lastError?.split('\n')[0] },
    ],
    color,
  );
}

export function renderProjectionChange(change: ProjectionChange): string {
  const verb = change.operation.replace('projection.', '');
  if (!change.changed) return `${change.projection}: already ${change.after.state}; nothing changed.`;
  const moved =
    change.before.position !== change.after.position
      ? `, position ${change.before.position} → ${change.after.position}`
      : '';
  const states = `${change.before.state} → ${change.after.state}`;
  return `${change.projection}: ${verb} done (${states}${moved}; audit row ${change.auditId}).`;
}

export function percent(position: number, target: number): string {
  return target <= 0 ? '100%' : `${Math.min(100, Math.floor((position / target) * 100))}%`;
}
