import { typedValue } from '../core/mask/typed-value.js';
import { ExitCode } from './exit-codes.js';

/**
 * An error meant for the operator: a one-line message saying what went wrong and where, an
 * optional hint saying what to do next, and the exit code. Anything else thrown is a bug and is
 * reported as such (stack only with --debug).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Operational,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const usageError = (message: string, hint?: string) => new CliError(message, ExitCode.Usage, hint);

/** By shape, not instanceof: the CLI shell and the commands are separate bundles with a copy each. */
export function isCliError(error: unknown): error is CliError {
  return error instanceof Error && error.name === 'CliError' && typeof (error as CliError).exitCode === 'number';
}

/** commander's messages that echo a value (an option's, an unknown option's `=value`, a command) */
const ECHOED_BY_COMMANDER = /(argument |unknown command |unknown option '--?[\w-]+=)'?([^']*)'/g;

/** A commander error message with each echoed value of several words described instead (core/mask's typedValue). */
export function withoutTypedNames(message: string): string {
  return message.replace(ECHOED_BY_COMMANDER, (whole, lead: string, value: string) => {
    const described = typedValue(value);
    if (described.startsWith('"')) return whole;
    return lead.endsWith('=') ? `${lead}[${described}]'` : `${lead}(${described})`;
  });
}
