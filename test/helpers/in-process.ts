import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli.js';
import { cleanEnv, repoRoot, type CliOptions, type CliResult } from './cli.js';

/** A stream that keeps what is written to it; isTTY as a terminal test needs it. */
export function collector(isTTY = false): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { isTTY: boolean; text(): string };
  stream.isTTY = isTTY;
  stream.text = () => chunks.join('');
  return stream;
}

/**
 * Runs a command in this process through the CLI's own seam (src/cli.ts runCli) with in-memory
 * streams: the same parsing, context, error mapping and exit codes as the binary, without a
 * process start. Child-process tests (helpers/cli.ts) stay for signals, pipes and start-up.
 */
export async function runInProcess(args: string[], options: Omit<CliOptions, 'timeoutMs'> = {}): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const stdin = Readable.from(options.input === undefined ? [] : [options.input]);
  const exitCode = await runCli(['node', 'medicalcor', ...args], {
    stdout,
    stderr,
    stdin,
    env: cleanEnv(options.env),
    cwd: options.cwd ?? repoRoot,
  });
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}
