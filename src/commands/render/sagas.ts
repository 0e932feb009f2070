import type { SagaDetail, SagaSummary } from '../../core/sagas/index.js';
import { formatDuration } from '../../core/time/index.js';
import { makeChalk, renderTable } from '../../cli-kit/index.js';

export function renderSagaList(rows: SagaSummary[], color: boolean): string {
  if (rows.length === 0) return 'No sagas match.';
  const chalk = makeChalk(color);
  return renderTable(
    rows,
    [
      { header: 'SAGA', value: (r) => r.sagaId },
      { header: 'TYPE', value: (r) => r.sagaType },
      {
        header: 'STATUS',
        value: (r) => (r.stuck ? `${r.status} (stuck)` : r.status),
        style: (t) => (t.includes('stuck') || t === 'failed' ? chalk.red(t) : t),
      },
      { header: 'STEP', value: (r) => r.currentStep },
      { header: 'IDLE', value: (r) => (r.idleSeconds ? formatDuration(r.idleSeconds * 1000) : '') },
      { header: 'UPDATED', value: (r) => r.updatedAt },
      { header: 'TRACE', value: (r) => `medicalcor trace ${r.correlationId}` },
    ],
    color,
  );
}

export function renderSaga(s: SagaDetail, color: boolean): string {
  const lines = [
    `Saga ${s.sagaId} (${s.sagaType})`,
    `  status       ${s.status}${s.stuck ? ' (stuck)' : ''}${s.currentStep ? `, at step ${s.currentStep}` : ''}`,
    `  started      ${s.startedAt}`,
    `  updated      ${s.updatedAt}${s.idleSeconds ? ` (idle ${formatDuration(s.idleSeconds * 1000)})` : ''}`,
    ...(s.timeoutAt ? [`  timeout at   ${s.timeoutAt}`] : []),
    ...(s.completedAt ? [`  completed    ${s.completedAt}`] : []),
    ...(s.error ? [`  error        ${s.error}`] : []),
    `  trace        medicalcor trace ${s.correlationId}`,
    '',
  ];
  lines.push(
    s.steps.length
      ? renderTable(
          s.steps,
          [
            { header: 'STEP', value: (r) => r.step },
            { header: 'STATUS', value: (r) => r.status },
            { header: 'AT', value: (r) => r.at },
            { header: 'DURATION', value: (r) => (r.durationMs === null ? '' : formatDuration(r.durationMs)) },
            { header: 'ERROR', value: (r) => r.error },
          ],
          color,
        )
      : 'No steps recorded.',
  );
  lines.push(
    '',
    'State (masked):',
    ...JSON.stringify(s.state, null, 2)
      .split('\n')
      .map((l) => `  ${l}`),
  );
  return lines.join('\n');
}
