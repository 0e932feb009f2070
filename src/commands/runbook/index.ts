import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { register as forAlert } from './for-alert.js';
import { register as history } from './history.js';
import { register as list } from './list.js';
import { register as create } from './new.js';
import { register as resume } from './resume.js';
import { register as run } from './run.js';
import { register as show } from './show.js';
import { register as validate } from './validate.js';

/** `medicalcor runbook`: one file per verb; the rules live in core/runbook, the views in render/runbook.ts. */
export function register(program: Command, context: () => CommandContext): void {
  const runbook = program
    .command('runbook')
    .description('List, dry-run and execute runbooks with rollback, resume, lease and audit')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor runbook list
  medicalcor runbook run dlq-replay -p webhookType=whatsapp
  medicalcor runbook resume RUN_ID`,
    );
  for (const verb of [list, show, create, validate, run, resume, history, forAlert]) verb(runbook, context);
}
