import { basename, dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { note, renderData, usageError, writeFileAtomically, writeOut } from '../../cli-kit/index.js';
import {
  rulesFor,
  ruleTestsFor,
  selectSlas,
  serializeRuleFile,
  serializeRuleTests,
  unreachablePairs,
} from '../../core/sla/index.js';
import type { CommandContext } from '../context.js';
import { catalogueFor, catalogueOptions, type CatalogueOptions } from './shared.js';

export interface Options extends CatalogueOptions {
  out?: string;
  tests?: string;
}

export function registerRules(sla: Command, context: () => CommandContext): void {
  catalogueOptions(
    sla.command('rules').description('Prometheus recording rules, burn-rate and stale alerts from the catalogue'),
  )
    .option('--out <file>', 'write the rule file here instead of stdout')
    .option(
      '--tests <file>',
      'also write a "promtool test rules" file: when each alert fires and resolves (needs --out)',
    )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor sla rules --out prometheus/sla.rules.yml
  medicalcor sla rules --out sla.rules.yml --tests sla.rules.test.yml && promtool test rules sla.rules.test.yml
  medicalcor sla rules --sla api-availability | promtool check rules /dev/stdin

Each alert carries the labels sla, severity (page/ticket) and runbook (the catalogue's runbook), which
"medicalcor runbook for-alert" uses to pick the runbook. It exits 0 when written, 2 on a bad catalogue or arguments.`,
    )
    .action((options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor sla rules';
      // the rule file is YAML; -o json writes the same rules as JSON, which Prometheus reads too
      const format = ctx.format(['table', 'yaml', 'json']);
      if (options.tests && !options.out) {
        throw usageError(
          '--tests needs --out: the test file names the rule file it tests.',
          'Pass --out FILE as well.',
        );
      }
      const catalogue = catalogueFor(ctx, options);
      const slas = selectSlas(catalogue, options.sla);
      const source = basename(catalogue.file);
      const rules = rulesFor(slas);
      const text = format === 'json' ? `${renderData('json', rules)}\n` : serializeRuleFile(rules, source);
      const count = rules.groups.reduce((n, g) => n + g.rules.length, 0);
      for (const p of unreachablePairs(slas)) {
        const why = `it needs an error ratio above ${p.threshold}`;
        note(
          ctx.io,
          `note: ${p.sla}: the ${p.long}/${p.short} alert can never fire (${why}); it is generated all the same`,
        );
      }
      if (!options.out) return writeOut(ctx.io, text.trimEnd());
      const out = resolve(ctx.streams.cwd, options.out);
      writeFileAtomically(out, text, { what: 'the rule file' });
      note(ctx.io, `wrote ${out}: ${rules.groups.length} SLA group(s), ${count} rules`);
      if (options.tests) {
        const testsPath = resolve(ctx.streams.cwd, options.tests);
        const { file } = ruleTestsFor(slas, relative(dirname(testsPath), out) || basename(out));
        writeFileAtomically(testsPath, serializeRuleTests(file, source), { what: 'the rule tests' });
        note(ctx.io, `wrote ${testsPath}: run "promtool test rules ${relative(ctx.streams.cwd, testsPath)}"`);
      }
    });
}
