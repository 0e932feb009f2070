import type { Command } from 'commander';
import { defaultActor } from '../../core/config/index.js';
import { formatDuration } from '../../core/time/index.js';
import { note, usageError } from '../../cli-kit/index.js';
import { parseDurationOption } from '../options.js';
import { renderBreakerChange } from '../render/breaker.js';
import type { CommandContext } from '../context.js';
import { checkName, FORMATS } from './shared.js';
import { typedValue } from '../../core/mask/index.js';

const MAX_FORCED_MS = 7 * 86_400_000;

export interface OpenOptions {
  for: string;
  reason: string;
  yes?: boolean;
}

export async function runOpen(ctx: CommandContext, name: string, options: OpenOptions): Promise<void> {
  ctx.label = 'medicalcor breaker open';
  checkName(name);
  const format = ctx.format(FORMATS);
  const forMs = parseDurationOption('--for', options.for);
  if (forMs > MAX_FORCED_MS)
    throw usageError(
      `--for ${typedValue(options.for)} is not a duration up to 7d.`,
      'Use e.g. --for 30m, --for 2h or --for 1h30m.',
    );
  const reason = options.reason.trim();
  if (!reason) throw usageError('--reason must say why the breaker is opened.');
  const actor = defaultActor(ctx.streams.env);
  const store = await ctx.systems.breakers();
  if (!(await store.get(name))) note(ctx.io, `note: no service has used breaker "${name}" yet; it is created open.`);
  await ctx.confirmProduction(options.yes, `force breaker ${name} open for ${formatDuration(forMs)}`);
  const view = await store.forceOpen(name, { forMs, reason, actor });
  await ctx.recordAction({
    kind: 'breaker.open',
    summary: `breaker ${name} forced open for ${formatDuration(forMs)} by ${actor}`,
    outcome: 'succeeded',
  });
  renderBreakerChange(ctx, format, `forced open by ${actor} for ${formatDuration(forMs)}`, view);
}

export function registerOpen(breaker: Command, context: () => CommandContext): void {
  breaker
    .command('open')
    .description('force a breaker open for a while (it expires by itself, then goes half-open); records who and why')
    .argument('<name>', 'the breaker to open')
    .requiredOption('--for <duration>', 'how long, e.g. 30m, 2h, 1h30m (at most 7d)')
    .requiredOption('--reason <text>', 'why, for the others on call (shown by "breaker list")')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor breaker open hubspot --for 30m --reason "HubSpot maintenance window"
  medicalcor breaker open openai --for 2h --reason "incident 42" --env production --yes`,
    )
    .action((name: string, options: OpenOptions) => runOpen(context(), name, options));
}
