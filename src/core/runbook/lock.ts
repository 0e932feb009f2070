import { acquireAdvisoryLock, type AdvisoryLock, type Pool } from '../db/index.js';
import { CliError, ExitCode } from '../../cli-kit/index.js';
import { runningRun } from './audit.js';

/**
 * One real run of a runbook per environment. A session advisory lock (freed by the server if
 * the process dies) decides; the audit row of the run in progress says who holds it and since when.
 */
export async function lockRunbook(pool: Pool, runbookId: string, environment: string, timeoutMs: number, onWait?: (holder: string) => void): Promise<AdvisoryLock> {
  const name = `medicalcor:runbook:${runbookId}:${environment}`;
  try {
    return await acquireAdvisoryLock(pool, name, { timeoutMs, pollMs: 250, onWait });
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    const holder = await runningRun(pool, runbookId, environment).catch(() => undefined);
    const who = holder ? `run ${holder.id} by ${holder.actor} since ${holder.startedAt.toISOString()}` : error.message.replace(/^.*held by /, '').replace(/\.$/, '');
    throw new CliError(
      `Runbook ${runbookId} is already running on ${environment}: ${who}.`,
      ExitCode.Operational,
      `Nothing was run. Wait for it to finish ("medicalcor runbook history ${runbookId}"), or pass --lock-timeout SECONDS to wait for it.`,
    );
  }
}
