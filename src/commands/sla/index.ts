import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerList } from './list.js';
import { registerReport } from './report.js';
import { registerRules } from './rules.js';
import { registerStatus } from './status.js';

export function register(program: Command, context: () => CommandContext): void {
  const sla = program
    .command('sla')
    .description('SLA status with error budgets and multiwindow burn rates; period reports; Prometheus rules')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor sla list
  medicalcor sla status
  medicalcor sla report --from now-30d --format html --out sla.html
  medicalcor sla rules --out sla.rules.yml --tests sla.rules.test.yml`,
    );
  registerList(sla, context);
  registerStatus(sla, context);
  registerReport(sla, context);
  registerRules(sla, context);
}
