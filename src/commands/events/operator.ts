import { defaultActor } from '../../core/config/index.js';
import type { OperatorContext } from '../../core/events/index.js';
import type { CommandContext } from '../context.js';

/** Who acts on which environment, for the event store's audit rows (shared by projections and dlq). */
export function operatorOf(ctx: CommandContext): OperatorContext {
  return { actor: defaultActor(ctx.streams.env), environment: ctx.config().envName };
}

/**
 * Progress of a long phase on stderr: a spinner on a terminal, otherwise a line at the start and
 * at most one every few seconds, so CI logs show it is moving without filling up.
 */
export async function progressReporter(
  ctx: CommandContext,
  first: string,
): Promise<{ update(text: string): void; stop(): void }> {
  const { startSpinner, note } = await import('../../cli-kit/index.js');
  if (ctx.io.interactive && ctx.io.color) return startSpinner(ctx.io, first);
  let last = 0;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < 5_000) return;
      last = now;
      note(ctx.io, text);
    },
    stop() {},
  };
}
