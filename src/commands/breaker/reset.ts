import type { Command } from 'commander';
import { resetPodBreakers } from '../../core/api/pods.js';
import { defaultActor } from '../../core/config/index.js';
import { exitCodeFor } from '../errors.js';
import { renderBreakerChange } from '../render/breaker.js';
import type { CommandContext } from '../context.js';
import { checkName, FORMATS, podsOf } from './shared.js';

export interface ResetOptions {
  pods?: boolean;
  yes?: boolean;
}

export async function runReset(ctx: CommandContext, name: string, options: ResetOptions): Promise<void> {
  ctx.label = 'medicalcor breaker reset';
  checkName(name);
  const format = ctx.format(FORMATS);
  const actor = defaultActor(ctx.streams.env);
  const store = await ctx.systems.breakers();
  await store.require(name);
  await ctx.confirmProduction(options.yes, `reset breaker ${name}`);
  const view = await store.reset(name, { actor });
  await ctx.recordAction({ kind: 'breaker.reset', summary: `breaker ${name} reset by ${actor}`, outcome: 'succeeded' });
  let pods;
  if (options.pods) {
    const targets = podsOf(ctx);
    const [list, access] = await Promise.all([targets.list(), targets.access()]);
    pods = await resetPodBreakers(list, name, access);
    ctx.exitCode = exitCodeFor({ partial: pods.some((p) => !p.reset) });
  }
  renderBreakerChange(ctx, format, `reset by ${actor}`, view, {}, pods);
}

export function registerReset(breaker: Command, context: () => CommandContext): void {
  breaker
    .command('reset')
    .description('close a breaker now (clears a forced open); every process follows at once')
    .argument('<name>', 'the breaker, as shown by "breaker list"')
    .option('--pods', "also reset it in every API pod's memory (POST /health/circuit-breakers/NAME/reset)")
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor breaker reset hubspot
  medicalcor breaker reset hubspot --pods --env production --yes`,
    )
    .action((name: string, options: ResetOptions) => runReset(context(), name, options));
}
