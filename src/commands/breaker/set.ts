import type { Command } from 'commander';
import { defaultActor } from '../../core/config/index.js';
import { usageError } from '../../cli-kit/index.js';
import { parseDurationOption, parseWholeNumber } from '../options.js';
import { renderBreakerChange, thresholdsText } from '../render/breaker.js';
import type { CommandContext } from '../context.js';
import { checkName, FORMATS } from './shared.js';

export interface SetOptions {
  failureThreshold?: string;
  successThreshold?: string;
  resetTimeout?: string;
  halfOpenMaxCalls?: string;
  yes?: boolean;
}

export async function runSet(ctx: CommandContext, name: string, options: SetOptions): Promise<void> {
  ctx.label = 'medicalcor breaker set';
  checkName(name);
  const format = ctx.format(FORMATS);
  const asked = {
    failureThreshold:
      options.failureThreshold === undefined
        ? undefined
        : parseWholeNumber('--failure-threshold', options.failureThreshold, { max: 100_000 }),
    successThreshold:
      options.successThreshold === undefined
        ? undefined
        : parseWholeNumber('--success-threshold', options.successThreshold, { max: 100_000 }),
    resetTimeoutMs:
      options.resetTimeout === undefined ? undefined : parseDurationOption('--reset-timeout', options.resetTimeout),
    halfOpenMaxCalls:
      options.halfOpenMaxCalls === undefined
        ? undefined
        : parseWholeNumber('--half-open-max-calls', options.halfOpenMaxCalls, { max: 1_000 }),
  };
  if (Object.values(asked).every((v) => v === undefined)) {
    throw usageError(
      'Say which threshold to change.',
      'For example: medicalcor breaker set hubspot --failure-threshold 10',
    );
  }
  const actor = defaultActor(ctx.streams.env);
  const store = await ctx.systems.breakers();
  const current = await store.require(name);
  const thresholds = {
    failureThreshold: asked.failureThreshold ?? current.thresholds.failureThreshold,
    successThreshold: asked.successThreshold ?? current.thresholds.successThreshold,
    resetTimeoutMs: asked.resetTimeoutMs ?? current.thresholds.resetTimeoutMs,
    halfOpenMaxCalls: asked.halfOpenMaxCalls ?? current.thresholds.halfOpenMaxCalls,
  };
  await ctx.confirmProduction(options.yes, `change the thresholds of breaker ${name}`);
  const view = await store.setThresholds(name, thresholds, { actor });
  await ctx.recordAction({
    kind: 'breaker.set',
    summary: `breaker ${name} thresholds set to ${thresholdsText(view)} by ${actor}`,
    outcome: 'succeeded',
  });
  renderBreakerChange(ctx, format, `thresholds set by ${actor} (${thresholdsText(view)})`, view, {
    previous: current.thresholds,
  });
}

export function registerSet(breaker: Command, context: () => CommandContext): void {
  breaker
    .command('set')
    .description(
      "change a breaker's stored thresholds on purpose (services asking for others are warned, never obeyed)",
    )
    .argument('<name>', 'the breaker')
    .option('--failure-threshold <n>', 'failures in a row that open it')
    .option('--success-threshold <n>', 'successful trial calls that close it')
    .option('--reset-timeout <duration>', 'how long it stays open before trial calls, e.g. 30s, 2m')
    .option('--half-open-max-calls <n>', 'trial calls let through at once, fleet-wide, while half-open')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor breaker set hubspot --failure-threshold 10 --reset-timeout 1m
  medicalcor breaker set openai --half-open-max-calls 2 --env production --yes`,
    )
    .action((name: string, options: SetOptions) => runSet(context(), name, options));
}
