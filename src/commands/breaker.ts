import type { Command } from 'commander';
import { readPodBreakers, resetPodBreakers, type PodBreaker, type PodBreakers, type PodResetResult } from '../core/api/index.js';
import { BreakerStore, isBreakerName, type BreakerListEntry, type BreakerView } from '../core/breakers/index.js';
import { formatDuration } from '../core/time/index.js';
import { defaultActor } from '../core/config/index.js';
import { chalkFor, CliError, ExitCode, note, renderData, renderTable, usageError, writeOut } from '../cli-kit/index.js';
import { withRedis } from './connections.js';
import { parseDurationOption } from './options.js';
import type { CommandContext } from './context.js';

const MAX_FORCED_MS = 7 * 86_400_000;

function withStore<T>(ctx: CommandContext, work: (store: BreakerStore) => Promise<T>): Promise<T> {
  return withRedis(ctx, (redis) => work(new BreakerStore(redis, { keyPrefix: ctx.config().redisKeyPrefix })));
}

function checkName(name: string): string {
  if (!isBreakerName(name)) throw usageError(`"${name}" is not a breaker name.`, 'Breaker names are letters, digits, ".", "_" and "-" (see "medicalcor breaker list").');
  return name;
}

async function requireExisting(store: BreakerStore, name: string): Promise<BreakerView> {
  const view = await store.get(name);
  if (view) return view;
  const known = await store.names();
  throw new CliError(`No breaker named "${name}" (Redis key prefix ${store.keys.names.replace(/breaker:names$/, '')}).`, ExitCode.Operational, known.length ? `Known breakers: ${known.join(', ')}.` : 'No service has used a shared breaker with this key prefix yet (check --env / MEDICALCOR_REDIS_PREFIX).');
}

function untilText(iso: string | null, now: number): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now;
  return ms > 0 ? formatDuration(ms) : 'now';
}

function stateText(view: BreakerView): string {
  return view.forced ? `${view.state} (forced)` : view.state;
}

async function podsOf(ctx: CommandContext): Promise<{ pods: { name: string; ip: string | null; ready: boolean }[]; port: number; service: string }> {
  const k8s = ctx.config().kubernetes;
  if (!k8s) throw usageError('--pods needs the environment\'s kubernetes settings (context, namespace, apiService, apiPort).', 'Add a kubernetes: section to the environment in medicalcor.config.yaml.');
  const { createKubernetesClient } = await import('../core/kubernetes/index.js');
  const client = createKubernetesClient({ context: k8s.context, namespace: k8s.namespace });
  const pods = await client.listServicePods(k8s.apiService);
  return { pods: pods.map((p) => ({ name: p.name, ip: p.ip, ready: p.ready })), port: k8s.apiPort, service: k8s.apiService };
}

function renderList(ctx: CommandContext, breakers: BreakerListEntry[], pods: PodBreakers[] | undefined): void {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (format !== 'table') {
    const body = { environment: ctx.config().envName, breakers, ...(pods ? { pods } : {}) };
    writeOut(ctx.io, renderData(format, body));
    return;
  }
  const chalk = chalkFor(ctx.io);
  const now = Date.now();
  const paint = (state: string) => (state.startsWith('open') ? chalk.red(state) : state.startsWith('half_open') ? chalk.yellow(state) : chalk.green(state));
  if (breakers.length === 0) writeOut(ctx.io, 'No shared breakers yet: none of the services has used one with this Redis key prefix.');
  else {
    writeOut(ctx.io, renderTable(breakers, [
      { header: 'BREAKER', value: (b) => b.name },
      { header: 'STATE', value: (b) => stateText(b), style: paint },
      { header: 'FAILURES', value: (b) => `${b.failures}/${b.thresholds.failureThreshold}` },
      { header: 'OPENED AT', value: (b) => b.openedAt },
      { header: 'HALF-OPEN IN', value: (b) => (b.state === 'open' ? untilText(b.halfOpenAt, now) : '') },
      { header: 'INSTANCES', value: (b) => (b.instances.reporting ? `${b.instances.agreeing}/${b.instances.reporting} agree` : 'none live'), style: (t, b) => (b.instances.agreeing < b.instances.reporting ? chalk.red(t) : t) },
      { header: 'LAST ERROR', value: (b) => b.lastError },
    ], ctx.io.color));
    for (const b of breakers.filter((x) => x.forced)) writeOut(ctx.io, `${b.name}: forced open by ${b.forced!.actor} until ${b.forced!.until}: ${b.forced!.reason}`);
    for (const b of breakers.filter((x) => x.instances.disagreeing.length)) {
      writeOut(ctx.io, chalk.red(`${b.name}: ${b.instances.disagreeing.map((d) => `${d.instance} holds ${d.state}`).join(', ')}`));
    }
  }
  if (pods) {
    writeOut(ctx.io, '\nIn-memory breakers per API pod:');
    const rows = pods.flatMap((p): { pod: PodBreakers; breaker: PodBreaker | undefined }[] => (p.error || p.breakers.length === 0 ? [{ pod: p, breaker: undefined }] : p.breakers.map((breaker) => ({ pod: p, breaker }))));
    writeOut(ctx.io, renderTable(rows, [
      { header: 'POD', value: (r) => r.pod.pod },
      { header: 'IP', value: (r) => r.pod.ip },
      { header: 'BREAKER', value: (r) => r.breaker?.name ?? (r.pod.error ? '' : '(none)') },
      { header: 'STATE', value: (r) => r.breaker?.state ?? (r.pod.error ? 'unreachable' : ''), style: paint },
      { header: 'FAILURES', value: (r) => r.breaker?.failures },
      { header: 'LAST FAILURE', value: (r) => r.breaker?.lastFailure ?? r.pod.error },
    ], ctx.io.color));
  }
}

function renderChange(ctx: CommandContext, verb: string, view: BreakerView, extra: Record<string, unknown> = {}, pods?: PodResetResult[]): void {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (format !== 'table') {
    const body = { environment: ctx.config().envName, breaker: view, ...extra, ...(pods ? { pods } : {}) };
    writeOut(ctx.io, renderData(format, body));
    return;
  }
  writeOut(ctx.io, `${view.name}: ${verb}; now ${stateText(view)}${view.forced ? ` until ${view.forced.until} (${view.forced.reason})` : ''}.`);
  for (const p of pods ?? []) writeOut(ctx.io, `  pod ${p.pod}: ${p.reset ? 'reset' : `not reset: ${p.error}`}`);
}

export function register(program: Command, context: () => CommandContext): void {
  const breaker = program.command('breaker').description('Show and steer the circuit breakers shared through Redis (and the API pods\' in-memory ones)');

  breaker
    .command('list')
    .description('every shared breaker: state, failures, opened at, time until half-open, last error, instances agreeing (exit 3 if one is open)')
    .option('--pods', 'also read each API pod\'s in-memory breakers (pods found through Kubernetes)')
    .action(async (options: { pods?: boolean }) => {
      const ctx = context();
      ctx.format(['table', 'json', 'yaml']);
      const podTargets = options.pods ? await podsOf(ctx) : undefined;
      const [breakers, pods] = await Promise.all([
        withStore(ctx, (store) => store.list()),
        podTargets ? readPodBreakers(podTargets.pods, { port: podTargets.port }) : Promise.resolve(undefined),
      ]);
      renderList(ctx, breakers, pods);
      if (pods?.some((p) => p.error)) {
        for (const p of pods.filter((x) => x.error)) note(ctx.io, `warning: pod ${p.pod}: ${p.error}`);
        ctx.exitCode = ExitCode.Partial;
      } else if (breakers.some((b) => b.state === 'open') || pods?.some((p) => p.breakers.some((b) => b.state === 'open'))) {
        ctx.exitCode = ExitCode.Problem;
      }
    });

  breaker
    .command('reset')
    .description('close a breaker now (clears a forced open); every process follows at once')
    .argument('<name>', 'the breaker, as shown by "breaker list"')
    .option('--pods', 'also reset it in every API pod\'s memory (POST /health/circuit-breakers/NAME/reset)')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .action(async (name: string, options: { pods?: boolean; yes?: boolean }) => {
      const ctx = context();
      checkName(name);
      ctx.format(['table', 'json', 'yaml']);
      const actor = defaultActor(ctx.streams.env);
      await withStore(ctx, async (store) => {
        await requireExisting(store, name);
        await ctx.confirmProduction(options.yes, `reset breaker ${name}`);
        const view = await store.reset(name, { actor });
        let pods: PodResetResult[] | undefined;
        if (options.pods) {
          const targets = await podsOf(ctx);
          pods = await resetPodBreakers(targets.pods, name, { port: targets.port });
          if (pods.some((p) => !p.reset)) ctx.exitCode = ExitCode.Partial;
        }
        renderChange(ctx, `reset by ${actor}`, view, {}, pods);
      });
    });

  breaker
    .command('open')
    .description('force a breaker open for a while (it expires by itself, then goes half-open); records who and why')
    .argument('<name>', 'the breaker to open')
    .requiredOption('--for <duration>', 'how long, e.g. 30m, 2h, 1h30m (at most 7d)')
    .requiredOption('--reason <text>', 'why, for the others on call (shown by "breaker list")')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .action(async (name: string, options: { for: string; reason: string; yes?: boolean }) => {
      const ctx = context();
      checkName(name);
      ctx.format(['table', 'json', 'yaml']);
      const forMs = parseDurationOption('--for', options.for);
      if (forMs > MAX_FORCED_MS) throw usageError(`--for "${options.for}" is not a duration up to 7d.`, 'Use e.g. --for 30m, --for 2h or --for 1h30m.');
      const reason = options.reason.trim();
      if (!reason) throw usageError('--reason must say why the breaker is opened.');
      const actor = defaultActor(ctx.streams.env);
      await withStore(ctx, async (store) => {
        if (!(await store.get(name))) note(ctx.io, `note: no service has used breaker "${name}" yet; it is created open.`);
        await ctx.confirmProduction(options.yes, `force breaker ${name} open for ${formatDuration(forMs)}`);
        const view = await store.forceOpen(name, { forMs, reason, actor });
        renderChange(ctx, `forced open by ${actor} for ${formatDuration(forMs)}`, view);
      });
    });

  breaker
    .command('probe')
    .description('move an open breaker to half-open now, so the next calls test the dependency')
    .argument('<name>', 'the breaker to probe')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .action(async (name: string, options: { yes?: boolean }) => {
      const ctx = context();
      checkName(name);
      ctx.format(['table', 'json', 'yaml']);
      const actor = defaultActor(ctx.streams.env);
      await withStore(ctx, async (store) => {
        const before = await requireExisting(store, name);
        if (before.state !== 'open') {
          renderChange(ctx, `not open (nothing to probe)`, before, { changed: false });
          return;
        }
        await ctx.confirmProduction(options.yes, `probe breaker ${name}`);
        const view = (await store.probe(name, { actor }))!;
        renderChange(ctx, `probed by ${actor}`, view, { changed: true });
      });
    });
}
