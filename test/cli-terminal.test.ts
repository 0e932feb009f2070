import { execFileSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, cleanEnv, repoRoot, runCli } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

/**
 * Runs the built CLI on a real pseudo-terminal (util-linux `script`) of `cols` columns, as a
 * person at a terminal would: stdout and stderr are the terminal. Arguments are fixed strings of
 * this file, quoted for the shell `script` starts.
 */
function onTerminal(cols: number, args: string[], env: Record<string, string> = {}): string {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // set after stty: the shell script starts updates an exported COLUMNS when the size changes
  const columns = env.COLUMNS ? `COLUMNS=${Number(env.COLUMNS)} ` : '';
  const command = `stty cols ${cols} rows 50; ${columns}exec node ${binPath} ${quoted}`;
  const out = execFileSync('script', ['-q', '-e', '-c', command, '/dev/null'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: cleanEnv({
      TERM: 'xterm-256color',
      NO_COLOR: undefined,
      COLUMNS: undefined,
      LINES: undefined,
      CI: undefined,
      ...env,
    }),
    timeout: 120_000,
  });
  return out.replace(/\r\n/g, '\n');
}

const lines = (text: string) =>
  stripVTControlCharacters(text)
    .split('\n')
    .filter((l) => l.trim());
const widest = (text: string) => Math.max(...lines(text).map((l) => [...l].length));

describe('tables fit the terminal, like gh: truncated with an ellipsis on a TTY, full when piped', () => {
  // `runbook list` needs no server, and its descriptions make it about 145 columns wide
  it('at 80 columns every line fits and long cells end in an ellipsis', () => {
    const out = onTerminal(80, ['runbook', 'list']);
    expect(lines(out).length).toBeGreaterThan(3);
    expect(widest(out)).toBeLessThanOrEqual(80);
    expect(out).toContain('…');
    // the short columns are kept whole: every shipped runbook id is readable
    expect(out).toContain('dlq-replay');
  }, 120_000);

  it('at 200 columns nothing is cut', () => {
    const out = onTerminal(200, ['runbook', 'list']);
    expect(out).not.toContain('…');
    expect(widest(out)).toBeGreaterThan(120);
    expect(widest(out)).toBeLessThanOrEqual(200);
  }, 120_000);

  it('COLUMNS on a terminal wins over its size; NO_COLOR tables fit too', () => {
    expect(widest(onTerminal(200, ['runbook', 'list'], { COLUMNS: '80' }))).toBeLessThanOrEqual(80);
    const plain = onTerminal(80, ['runbook', 'list'], { NO_COLOR: '1' });
    expect(plain).not.toMatch(/[│┌]/);
    expect(widest(plain)).toBeLessThanOrEqual(80);
  }, 120_000);

  it('piped, the table is complete whatever COLUMNS says', async () => {
    const piped = await runCli(['runbook', 'list'], { env: { COLUMNS: '80' } });
    expect(piped.exitCode).toBe(0);
    expect(piped.stdout).not.toContain('…');
    expect(widest(piped.stdout)).toBeGreaterThan(120);
  });
});

describe('feedback on long work goes to stderr', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('mc_progress');
  });
  afterAll(async () => {
    await db?.drop();
  });
  const check = ['--database-url', '', 'check', '--only', 'database'];
  const args = () => check.map((a) => (a === '' ? db.url : a));

  it('a spinner naming the phase on a terminal, in colour', () => {
    const out = onTerminal(120, args());
    expect(out).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\u001b\[39m running checks on local/);
  }, 120_000);

  it('under NO_COLOR the spinner still turns, without colour codes', () => {
    const out = onTerminal(120, args(), { NO_COLOR: '1' });
    expect(out).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] running checks on local/);
    expect(out).not.toMatch(/\u001b\[3\dm/);
  }, 120_000);

  it('not a terminal: nothing, unless --progress asks for one line per phase', async () => {
    const quiet = await runCli(args());
    expect(quiet.exitCode, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('running checks');
    const progress = await runCli(['--progress', ...args()]);
    expect(progress.exitCode, progress.stderr).toBe(0);
    expect(progress.stderr).toMatch(/^progress: running checks on local$/m);
    expect(progress.stderr).not.toMatch(/[⠋⠙⠹]/);
    expect(progress.stdout).not.toContain('progress:');
  });
});
