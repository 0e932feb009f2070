import type { Command } from 'commander';
import { listFleetBreakers } from '../../core/api/fleet.js';
import { note } from '../../cli-kit/index.js';
import { exitCodeFor } from '../errors.js';
import { renderBreakerList } from '../render/breaker.js';
import type { CommandContext } from '../context.js';
import { FORMATS, podsOf } from './shared.js';

export interface ListOptions {
  pods?: boolean;
}

export async function runList(ctx: CommandContext, options: ListOptions): Promise<void> {
  ctx.label = 'medicalcor breaker list';
  const format = ctx.format(FORMATS);
  const pods = options.pods ? podsOf(ctx) : undefined;
  const fleet = await listFleetBreakers({ store: await ctx.systems.breakers(), pods });
  renderBreakerList(ctx, format, fleet);
  for (const p of (fleet.pods ?? []).filter((x) => x.error)) note(ctx.io, `warning: pod ${p.pod}: ${p.error}`);
  // an open breaker anywhere is certain even when a pod could not be read: 3 wins over 4
  ctx.exitCode = exitCodeFor(fleet);
}

export function registerList(breaker: Command, context: () => CommandContext): void {
  breaker
    .command('list')
    .description(
      'every shared breaker: state, failures, thresholds, opened at, time until half-open, last error, instances ' +
        'agreeing (exit 3 if one is open)',
    )
    .option(
      '--pods',
      "also read each API pod's in-memory breakers (through the Kubernetes API proxy, with the admin token)",
    )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor breaker list
  medicalcor breaker list --pods --env production
  medicalcor breaker list -o json | jq '.breakers[] | select(.state != "closed")'`,
    )
    .action((options: ListOptions) => runList(context(), options));
}
