/**
 * The supervisor: a tiny Node program that leads the process group of one command. It exists so
 * a command never outlives the CLI that started it, even when the CLI dies by kill -9:
 *
 * - it reads one JSON line from stdin (the command, its argv, cwd and environment: nothing secret
 *   ever appears in a process listing), starts the command in its own group, and reports how the
 *   command ended as one JSON line on fd 3;
 * - it keeps reading stdin, a pipe only the CLI holds: EOF means the CLI is gone (or wants the
 *   command stopped), and the supervisor ends its whole group, grandchildren included;
 * - when the command exits, it reports and ends the rest of the group (and itself) with SIGKILL,
 *   so a background grandchild cannot finish the step later;
 * - it ignores SIGINT/SIGTERM/SIGHUP itself, so that when the CLI signals the group the command
 *   gets the signal and the supervisor stays to report the outcome.
 *
 * Passed to `node -e`, so it needs no file next to the bundle.
 */
export const SUPERVISOR_SOURCE = String.raw`
const { spawn } = require('node:child_process');
const { writeSync } = require('node:fs');
const report = (status) => { try { writeSync(3, JSON.stringify(status) + '\n'); } catch {} };
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
let spec;
let buffered = '';
let child;
const endGroup = () => {
  try { process.kill(-process.pid, 'SIGTERM'); } catch {}
  setTimeout(() => { try { process.kill(-process.pid, 'SIGKILL'); } catch {} process.exit(137); }, 1000).unref();
};
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  if (spec) return;
  buffered += chunk;
  const end = buffered.indexOf('\n');
  if (end < 0) return;
  spec = JSON.parse(buffered.slice(0, end));
  child = spawn(spec.file, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 1, 2] });
  child.on('error', (error) => { report({ spawnError: error.code || error.message }); process.exit(127); });
  // what the command left behind (a background grandchild) ends with it, the supervisor too
  child.on('exit', (code, signal) => { report({ exitCode: code, signal }); process.kill(-process.pid, 'SIGKILL'); });
});
process.stdin.on('end', endGroup);
process.stdin.on('error', endGroup);
`;
