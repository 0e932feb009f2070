import type { Command } from 'commander';
import { buildCheckReport, CHECKS, runChecks } from '../checks/index.js';
import { ExitCode, noteOnce, renderJson, renderTable, startProgress, writeOut } from '../cli-kit/index.js';
import { defaultCacheDir } from '../core/schema/index.js';
import type { CommandContext } from './context.js';
import { collectList } from './options.js';
import { renderCheckReport } from './render/checks.js';

export function register(program: Command, context: () => CommandContext): void {
  program
    .command('check')
    .description(
      'readiness: connectivity, migrations, schema drift, projections, DLQ, sagas, breakers, budget, SLAs, config ' +
        'hygiene; a score; exit 3 if a required check fails',
    )
    .option('--only <ids>', 'run only these checks (comma-separated or repeated)', collectList)
    .option('--skip <ids>', 'leave these checks out', collectList)
    .option('--list', 'list the checks and exit')
    .action(async (options: { only?: string[]; skip?: string[]; list?: boolean }) => {
      const ctx = context();
      if (options.list) {
        const format = ctx.format(['table', 'json']);
        if (format === 'json') return writeOut(ctx.io, renderJson(CHECKS.map((c) => ({ id: c.id, title: c.title }))));
        return writeOut(
          ctx.io,
          renderTable(
            CHECKS,
            [
              { header: 'CHECK', value: (c) => c.id },
              { header: 'WHAT IT LOOKS AT', value: (c) => c.title },
            ],
            ctx.io.color,
          ),
        );
      }
      const format = ctx.format(['table', 'json', 'github']);
      const config = ctx.config();
      const phase = `running checks on ${config.envName}`;
      const target = { stderr: ctx.io.stderr, progress: ctx.io.progress ?? 'off', color: ctx.io.color } as const;
      const spinner = startProgress(target, phase);
      // the embedded database's start is named while it runs, then the checks again
      const results = await runChecks(
        {
          config,
          cacheDir: defaultCacheDir(ctx.streams.env),
          signal: ctx.signal,
          notify: (line) => noteOnce(ctx.io, line),
          onProgress: (p) => (p ? spinner.update(p) : spinner.update(phase)),
          kubernetes: () => ctx.systems.kubernetes(),
          env: ctx.streams.env,
        },
        { only: options.only, skip: options.skip },
      ).finally(() => spinner.stop());
      const report = buildCheckReport(config.envName, results);
      renderCheckReport(ctx.io, format, report);
      ctx.exitCode = report.ready ? ExitCode.Ok : ExitCode.Problem;
    });
}
