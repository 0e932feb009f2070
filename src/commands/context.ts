import { Writable, type Readable } from 'node:stream';
import {
  findConfigFile,
  loadConfigParser,
  resolveConfig,
  type ConfigFlags,
  type ResolvedConfig,
} from '../core/config/index.js';
import { defaultActor } from '../core/config/index.js';
import { redactSecrets } from '../core/redact.js';

/** The shell's error lines go through the one masking policy once a command is loaded. */
export { redactLine } from '../core/redact.js';
import { openSystems, type Systems } from './factory.js';
import {
  CliError,
  confirmProduction,
  decideColor,
  decideProgress,
  decideWidth,
  ExitCode,
  note,
  setTableWidth,
  usageError,
  type Io,
  type OutputFormat,
} from '../cli-kit/index.js';

/** Options every command accepts (defined once on the program). */
export interface GlobalOptions extends ConfigFlags {
  output?: string;
  /** the incident every action of this run is recorded on (else MEDICALCOR_INCIDENT) */
  incident?: string;
  color?: boolean;
  debug?: boolean;
  /** one line per phase on stderr when not a terminal (a terminal gets a spinner anyway) */
  progress?: boolean;
}

export interface Streams {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What a command's action receives: its I/O, the global options and the configuration, resolved on first use. */
export interface CommandContext {
  io: Io;
  streams: Streams;
  global: GlobalOptions;
  /** aborted on Ctrl-C: long work stops, rolls back what is in flight, and the process exits 130 */
  signal: AbortSignal;
  config(): ResolvedConfig;
  /** the process exit code; an action sets it when it found a problem (3) or read only part (4) */
  exitCode: number;
  /** the -o format, checked against what this command supports */
  format(allowed: readonly OutputFormat[], fallback?: OutputFormat): OutputFormat;
  /**
   * on a production environment: the typed name, or --yes with --env spelled on this command line (cli-kit/confirm.ts)
   */
  confirmProduction(yes: boolean | undefined, action: string): Promise<void>;
  /** every external system, opened lazily (see factory.ts); the shell closes them after the command */
  systems: Systems;
  /**
   * Records an action on the active incident (--incident ID or MEDICALCOR_INCIDENT); a no-op when
   * none is active. Call it after every mutating action: runbook run, breaker and budget change,
   * PII reveal, migration applied or rolled back, report written.
   */
  recordAction(action: IncidentAction): Promise<void>;
  /** the incident ID from --incident or MEDICALCOR_INCIDENT, as given */
  activeIncident(): string | undefined;
  /** names this process to servers (application_name): set by a command before it opens anything */
  label: string;
  /**
   * Called by the shell after the action: with -o other than table, a command that never asked
   * format() printed for people, so its held output is dropped and this throws a usage error (exit 2).
   */
  settleOutput?(): void;
}

/**
 * stdout as commands see it: with an explicit -o (json, yaml, github), text is held back until
 * the command has asked format(), so human text never reaches a parser expecting JSON.
 */
function guardedStdout(streams: Streams, machine: boolean) {
  let released = !machine;
  const held: Buffer[] = [];
  const stdout = released
    ? streams.stdout
    : Object.assign(
        new Writable({
          // done at once either way: the real stream keeps the order and does its own buffering
          write(chunk: Buffer, _encoding, done) {
            if (released) streams.stdout.write(chunk);
            else held.push(Buffer.from(chunk));
            done();
          },
        }),
        { isTTY: streams.stdout.isTTY },
      );
  return {
    /** the real stream once released, so nothing is queued in between */
    get stdout(): Writable {
      return released ? streams.stdout : stdout;
    },
    release() {
      if (released) return;
      released = true;
      if (held.length) streams.stdout.write(Buffer.concat(held.splice(0)));
    },
    heldText: () => Buffer.concat(held).toString('utf8'),
    get released() {
      return released;
    },
  };
}

/** One action taken by medicalcor, as it appears on an incident's timeline (no patient data). */
export interface IncidentAction {
  /**
   * what kind: 'runbook.run', 'breaker.open', 'breaker.reset', 'budget.freeze', 'pii.reveal', 'migrate.up',
   * 'trace.report' ...
   */
  kind: string;
  /** one line for the timeline: "runbook dlq-replay run 42 succeeded" */
  summary: string;
  /** where the full record lives: "runbook_runs:42", "pii_access_log:7", a file path */
  ref?: string;
  outcome?: 'succeeded' | 'failed' | 'interrupted';
}

export function makeContext(streams: Streams, global: GlobalOptions, signal: AbortSignal): CommandContext {
  const output = guardedStdout(streams, global.output !== undefined && global.output !== 'table');
  const io: Io = {
    get stdout() {
      return output.stdout;
    },
    stderr: streams.stderr,
    // stdin is created on first use: only prompts and `-` inputs need it
    get stdin() {
      return streams.stdin;
    },
    color: decideColor({ isTTY: Boolean(streams.stdout.isTTY), env: streams.env, colorFlag: global.color }),
    get interactive() {
      return Boolean(streams.stdin.isTTY && streams.stderr.isTTY) && !streams.env.CI;
    },
    secrets: [],
    width: decideWidth(streams.stdout, streams.env),
    progress: decideProgress({
      stderrIsTTY: Boolean(streams.stderr.isTTY),
      env: streams.env,
      progressFlag: global.progress,
    }),
  };
  // the one place the width is decided: every renderTable of this command fits it
  setTableWidth(io.width);
  let config: ResolvedConfig | undefined;
  let systems: Systems | undefined;
  const context: CommandContext = {
    label: 'medicalcor',
    activeIncident() {
      const active = global.incident ?? streams.env.MEDICALCOR_INCIDENT;
      return active?.trim() ? active.trim() : undefined;
    },
    async recordAction(action) {
      const active = context.activeIncident();
      if (!active) return;
      const { parseIncidentId, recordIncidentAction } = await import('../core/incidents/index.js');
      try {
        const id = parseIncidentId(active);
        const database = await context.systems.database();
        const command = redactSecrets(process.argv.slice(2).join(' '), io.secrets);
        await recordIncidentAction(database.pool, id, { ...action, actor: defaultActor(streams.env), command });
        note(io, `recorded on INC-${id}: ${action.summary}`);
      } catch (error) {
        // the action itself is done: say loudly that the record is missing, but do not turn it into a failure
        note(io, `warning: not recorded on incident ${active}: ${(error as Error).message}`);
      }
    },
    get systems() {
      systems ??= openSystems({
        config: () => context.config(),
        io,
        env: streams.env,
        cwd: streams.cwd,
        label: () => context.label,
      });
      return systems;
    },
    io,
    exitCode: ExitCode.Ok,
    streams,
    global,
    signal,
    config() {
      if (!config) {
        config = resolveConfig(global, streams.env, streams.cwd);
        io.secrets.push(...config.secrets);
      }
      return config;
    },
    async confirmProduction(yes, action) {
      const { envName, production, envExplicit } = context.config();
      await confirmProduction(io, { envName, production, envExplicit, yes: Boolean(yes), action });
    },
    format(allowed, fallback = 'table') {
      const requested = (global.output ?? fallback) as OutputFormat;
      if (!allowed.includes(requested)) {
        throw usageError(`--output ${global.output} is not supported here.`, `Use one of: ${allowed.join(', ')}.`);
      }
      output.release();
      return requested;
    },
    settleOutput() {
      if (output.released) return;
      const printed = output.heldText().length > 0;
      if (!printed) return output.release();
      throw usageError(
        `--output ${global.output} is not supported by this command; it printed for people, and that output was ` +
          'withheld.',
        'Run it without -o to see it.',
      );
    },
  };
  return context;
}

/** Re-throws an abort as the interrupted exit code, so every command ends Ctrl-C the same way. */
export function throwIfAborted(signal: AbortSignal, message = 'Interrupted.'): void {
  if (signal.aborted) throw new CliError(message, ExitCode.Interrupted);
}

/**
 * With an active incident, makes sure it exists and is open before the command acts, so a typo in
 * --incident stops the command instead of leaving its actions unrecorded.
 */
export async function verifyActiveIncident(context: CommandContext, commandPath: string): Promise<void> {
  const active = context.activeIncident();
  if (!active) return;
  if (active === AUTO_INCIDENT) {
    // only an alert can say which incident it belongs to: for-alert opens or finds it
    if (commandPath === 'runbook for-alert') return;
    throw usageError('--incident auto works only with "runbook for-alert".', 'Name the incident: --incident INC-42.');
  }
  const { getIncident, parseIncidentId } = await import('../core/incidents/index.js');
  const incident = await getIncident((await context.systems.database()).pool, parseIncidentId(active));
  if (incident.status === 'resolved') {
    note(context.io, `warning: ${incident.ref} is resolved: this run's actions will not be recorded on it.`);
  }
}

/** `--incident auto`: the incident of the alert group being answered, opened when there is none. */
export const AUTO_INCIDENT = 'auto';

/** Makes this run's actions go to the incident named (after `auto` was resolved to one). */
export function setActiveIncident(context: CommandContext, ref: string): void {
  context.global.incident = ref;
}

/** Loads the config file parser (zod, yaml) only when there is a file to read. */
export async function prepareConfig(streams: Streams, global: GlobalOptions): Promise<void> {
  if (global.config || findConfigFile(streams.cwd, streams.env)) await loadConfigParser();
}
