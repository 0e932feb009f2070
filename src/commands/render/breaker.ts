import type { FleetBreakers, PodBreaker, PodBreakers, PodResetResult } from '../../core/api/index.js';
import type { BreakerView } from '../../core/breakers/index.js';
import { formatDuration } from '../../core/time/index.js';
import { chalkFor, renderData, renderTable, writeOut, type OutputFormat } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';

function untilText(iso: string | null, now: number): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now;
  return ms > 0 ? formatDuration(ms) : 'now';
}

function stateText(view: BreakerView): string {
  return view.forced ? `${view.state} (forced)` : view.state;
}

export function thresholdsText(view: BreakerView): string {
  const t = view.thresholds;
  const reset = formatDuration(t.resetTimeoutMs);
  return `${t.failureThreshold} fail / ${t.successThreshold} ok / ${reset} / ${t.halfOpenMaxCalls} trial`;
}

export function renderBreakerList(ctx: CommandContext, format: OutputFormat, fleet: FleetBreakers): void {
  const { breakers, pods } = fleet;
  if (format !== 'table') {
    const body = {
      environment: ctx.config().envName,
      breakers,
      ...(pods ? { pods } : {}),
      problem: fleet.problem,
      partial: fleet.partial,
    };
    writeOut(ctx.io, renderData(format, body));
    return;
  }
  const chalk = chalkFor(ctx.io);
  const now = Date.now();
  const paint = (state: string) =>
    state.startsWith('open')
      ? chalk.red(state)
      : state.startsWith('half_open')
        ? chalk.yellow(state)
        : chalk.green(state);
  if (breakers.length === 0)
    writeOut(ctx.io, 'No shared breakers yet: none of the services has used one with this Redis key prefix.');
  else {
    writeOut(
      ctx.io,
      renderTable(
        breakers,
        [
          { header: 'BREAKER', value: (b) => b.name },
          { header: 'STATE', value: (b) => stateText(b), style: paint },
          { header: 'FAILURES', value: (b) => `${b.failures}/${b.thresholds.failureThreshold}` },
          { header: 'THRESHOLDS', value: (b) => thresholdsText(b) },
          { header: 'OPENED AT', value: (b) => b.openedAt },
          {
            header: 'HALF-OPEN IN',
            value: (b) =>
              b.state === 'open'
                ? untilText(b.halfOpenAt, now)
                : b.state === 'half_open'
                  ? `${b.trialsInFlight} trial(s) running`
                  : '',
          },
          {
            header: 'INSTANCES',
            value: (b) =>
              b.instances.reporting ? `${b.instances.agreeing}/${b.instances.reporting} agree` : 'none live',
            style: (t, b) => (b.instances.agreeing < b.instances.reporting ? chalk.red(t) : t),
          },
          { header: 'LAST ERROR', value: (b) => b.lastError },
        ],
        ctx.io.color,
      ),
    );
    for (const b of breakers.filter((x) => x.forced))
      writeOut(ctx.io, `${b.name}: forced open by ${b.forced!.actor} until ${b.forced!.until}: ${b.forced!.reason}`);
    for (const b of breakers.filter((x) => x.instances.disagreeing.length)) {
      writeOut(
        ctx.io,
        chalk.red(`${b.name}: ${b.instances.disagreeing.map((d) => `${d.instance} holds ${d.state}`).join(', ')}`),
      );
    }
  }
  if (pods) {
    writeOut(ctx.io, '\nIn-memory breakers per API pod:');
    const rows = pods.flatMap((p): { pod: PodBreakers; breaker: PodBreaker | undefined }[] =>
      p.error || p.breakers.length === 0
        ? [{ pod: p, breaker: undefined }]
        : p.breakers.map((breaker) => ({ pod: p, breaker })),
    );
    writeOut(
      ctx.io,
      renderTable(
        rows,
        [
          { header: 'POD', value: (r) => r.pod.pod },
          { header: 'IP', value: (r) => r.pod.ip },
          { header: 'BREAKER', value: (r) => r.breaker?.name ?? (r.pod.error ? '' : '(none)') },
          { header: 'STATE', value: (r) => r.breaker?.state ?? (r.pod.error ? 'unreachable' : ''), style: paint },
          { header: 'FAILURES', value: (r) => r.breaker?.failures },
          { header: 'LAST FAILURE', value: (r) => r.breaker?.lastFailure ?? r.pod.error },
        ],
        ctx.io.color,
      ),
    );
  }
}

export function renderBreakerChange(
  ctx: CommandContext,
  format: OutputFormat,
  verb: string,
  view: BreakerView,
  extra: Record<string, unknown> = {},
  pods?: PodResetResult[],
): void {
  if (format !== 'table') {
    const body = { environment: ctx.config().envName, breaker: view, ...extra, ...(pods ? { pods } : {}) };
    writeOut(ctx.io, renderData(format, body));
    return;
  }
  writeOut(
    ctx.io,
    `${view.name}: ${verb}; now ${stateText(view)}` +
      `${view.forced ? ` until ${view.forced.until} (${view.forced.reason})` : ''}.`,
  );
  for (const p of pods ?? []) writeOut(ctx.io, `  pod ${p.pod}: ${p.reset ? 'reset' : `not reset: ${p.error}`}`);
}
