import { isSchemaMissing } from '../core/errors.js';
import { createPrometheusClient } from '../core/prometheus/index.js';
import {
  catalogueFileFor,
  evaluateSlas,
  formatValue,
  humanDuration,
  loadCatalogue,
  openBreaches,
  type OpenBreach,
} from '../core/sla/index.js';
import {
  DependencyUnavailable,
  fail,
  pass,
  skip,
  warn,
  type Check,
  type CheckContext,
  type CheckOutcome,
} from './types.js';

export const slaCheck: Check = {
  id: 'sla',
  title: 'SLAs not breached',
  required: false,
  timeoutMs: 30_000,
  async run(ctx) {
    const url = ctx.config.prometheusUrl;
    if (!url) return recordedBreaches(ctx);
    const catalogue = loadCatalogue(catalogueFileFor(ctx.config));
    const report = await evaluateSlas(catalogue.slas, ctx.now, {
      prometheus: createPrometheusClient(url, { timeoutMs: 10_000 }),
      signal: ctx.signal,
    });
    const breached = report.slas.filter((s) => s.status === 'breached');
    const warning = report.slas.filter((s) => s.status === 'warning');
    const firing = report.slas.filter((s) => s.burnRates.some((b) => b.firing && b.severity === 'page'));
    const list = (xs: typeof report.slas) => xs.map((s) => `${s.id} ${formatValue(s.value, s.unit)}`).join(', ');
    if (breached.length)
      return fail(
        `breached: ${list(breached)}${firing.length ? `; fast burn: ${firing.map((s) => s.id).join(', ')}` : ''}`,
        'See "medicalcor sla status" for budgets and burn rates, and "medicalcor runbook for-alert" for the matching ' +
          'runbook.',
      );
    const stale = report.slas.filter((s) => s.status === 'stale');
    if (stale.length) {
      const ages = stale.map(
        (s) =>
          `${s.id} (${
            s.freshness?.ageSeconds == null
              ? 'no sample in the last day'
              : `last sample ${humanDuration(s.freshness.ageSeconds)} ago`
          })`,
      );
      return warn(
        `stale SLIs, not healthy: ${ages.join(', ')}`,
        'Check the exporters behind these SLIs (is the target scraped?); "medicalcor sla status" shows the freshness ' +
          'query.',
      );
    }
    if (report.partial)
      return warn(
        `not all SLAs could be evaluated: ${report.errors[0]}`,
        'Check Prometheus and the catalogue\'s queries ("medicalcor sla status").',
      );
    if (firing.length)
      return warn(
        `burning fast (page): ${firing.map((s) => s.id).join(', ')}`,
        'See "medicalcor sla status": the budget will be gone soon at this rate.',
      );
    if (warning.length)
      return warn(`near the objective: ${list(warning)}`, 'See "medicalcor sla status" for the error budget left.');
    return pass(`${report.slas.length} SLAs met`);
  },
};

/** Without Prometheus, the breaches the platform (or `sla report --record`) left open in sla_breaches. */
async function recordedBreaches(ctx: CheckContext): Promise<CheckOutcome> {
  const noPrometheus = 'no Prometheus configured';
  const remedy = 'Set MEDICALCOR_PROMETHEUS_URL or prometheusUrl to evaluate the SLA catalogue.';
  let open: OpenBreach[];
  try {
    open = await openBreaches((await ctx.database()).pool);
  } catch (error) {
    // no database, or no sla_breaches table yet: nothing recorded to look at, which is not this check's failure
    if (error instanceof DependencyUnavailable || isSchemaMissing(error)) return skip(noPrometheus, remedy);
    throw error;
  }
  if (open.length) {
    return fail(
      `${noPrometheus}; open breaches recorded in sla_breaches: ` +
        open.map((b) => `${b.slaId} since ${b.startedAt.toISOString()}`).join(', '),
      'Evaluate them with "medicalcor sla status --prometheus-url URL"; the platform closes a breach row when the ' +
        'SLA recovers.',
    );
  }
  return skip(`${noPrometheus}, and no open breach in sla_breaches`, remedy);
}
