import type { Command } from 'commander';
import type { CommandContext } from './context.js';

export interface CommandModule {
  register(program: Command, ctx: () => CommandContext): void;
}

/**
 * Every top-level command with its one-line summary. Only the invoked command's module is
 * imported, so `--help` and other commands do not pay for its dependencies.
 */
export const commandManifest: { name: string; summary: string; load: () => Promise<CommandModule> }[] = [
  { name: 'migrate', summary: 'Apply, roll back, verify, plan and lint database migrations', load: () => import('./migrate.js') },
  { name: 'demo', summary: 'Set up the embedded database with the MedicalCor schema and show what the tool does', load: () => import('./demo.js') },
];
