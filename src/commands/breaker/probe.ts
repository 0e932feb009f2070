import type { Command } from 'commander';
import { defaultActor } from '../../core/config/index.js';
import { renderBreakerChange } from '../render/breaker.js';
import type { CommandContext } from '../context.js';
import { checkName, FORMATS } from './shared.js';

export interface ProbeOptions {
  yes?: boolean;
}

export async function runProbe(ctx: CommandContext, name: string, options: ProbeOptions): Promise<void> {
  ctx.label = 'medicalcor breaker probe';
  checkName(name);
  const format = ctx.format(FORMATS);
  const actor = defaultActor(ctx.streams.env);
  const store = await ctx.systems.breakers();
  const before = await store.require(name);
  if (before.state !== 'open') {
    renderBreakerChange(ctx, format, 'not open (nothing to probe)', before, { changed: false });
    return;
  }
  await ctx.confirmProduction(options.yes, `probe breaker ${name}`);
  const view = (await store.probe(name, { actor }))!;
  await ctx.recordAction({
    kind: 'breaker.probe',
    summary: `breaker ${name} moved to half-open by ${actor}`,
    outcome: 'succeeded',
  });
  renderBreakerChange(ctx, format, `probed by ${actor}`, view, { changed: true });
}

export function registerProbe(breaker: Command, context: () => CommandContext): void {
  breaker
    .command('probe')
    .description('move an open breaker to half-open now, so the next calls (up to its trial limit) test the dependency')
    .argument('<name>', 'the breaker to probe')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor breaker probe hubspot`,
    )
    .action((name: string, options: ProbeOptions) => runProbe(context(), name, options));
}
