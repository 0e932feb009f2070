import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import * as baseline from './baseline.js';
import * as down from './down.js';
import * as lint from './lint.js';
import * as newFile from './new.js';
import * as plan from './plan.js';
import * as status from './status.js';
import * as up from './up.js';
import * as verify from './verify.js';

export function register(program: Command, context: () => CommandContext): void {
  const migrate = program
    .command('migrate')
    .description(
      'Apply, roll back, baseline, verify, plan and lint database migrations ' +
        '(dbmate, with a lock and a checksum ledger)',
    )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor migrate status
  medicalcor migrate up --to 20251201000002
  medicalcor migrate baseline --to 20251201000005     # adopt an existing database
  medicalcor migrate lint --changed-since origin/main -o github`,
    );
  for (const verb of [newFile, status, verify, lint, plan, up, down, baseline])
    verb.register(migrate, program, context);
}
