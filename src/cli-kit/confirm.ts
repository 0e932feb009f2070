import { CliError, usageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './io.js';

export interface ProductionGuard {
  envName: string;
  production: boolean;
  /** --env named it on this command line (never MEDICALCOR_ENV or defaultEnv) */
  envExplicit: boolean;
  /** --yes was given */
  yes: boolean;
  /** what will happen, e.g. "apply 3 migrations" */
  action: string;
}

/**
 * On a production environment a person types the environment's name; a script must say --yes
 * and name the environment explicitly, so a default environment can never be hit by accident.
 */
export async function confirmProduction(io: Io, guard: ProductionGuard): Promise<void> {
  if (!guard.production) return;
  if (guard.yes) {
    if (!guard.envExplicit) {
      throw usageError(
        `--yes on production environment "${guard.envName}" also needs --env ${guard.envName}.`,
        'Name the environment explicitly so a default can never be hit by accident.',
      );
    }
    return;
  }
  if (!io.interactive) {
    throw usageError(
      `Refusing to ${guard.action} on production environment "${guard.envName}" without a terminal to confirm.`,
      `From a script, pass --yes --env ${guard.envName}.`,
    );
  }
  const { input } = await import('@inquirer/prompts');
  const typed = await input(
    {
      message: `${guard.action} on PRODUCTION "${guard.envName}". Type the environment name to continue:`,
      default: '',
    },
    { input: io.stdin, output: io.stderr },
  );
  if (typed.trim() !== guard.envName) {
    throw new CliError('Not confirmed; nothing was changed.', ExitCode.Operational);
  }
}
