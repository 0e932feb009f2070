import type { Readable, Writable } from 'node:stream';
import { findConfigFile, loadConfigParser, resolveConfig, type ConfigFlags, type ResolvedConfig } from '../core/config/index.js';
import { defaultActor } from '../core/config/index.js';
import { redactSecrets } from '../core/redact.js';
import { openSystems, type Systems } from './factory.js';
import { CliError, confirmProduction, decideColor, ExitCode, note, usageError, type Io, type OutputFormat } from '../cli-kit/index.js';

/** Options every command accepts (defined once on the program). */
export interface GlobalOptions extends ConfigFlags {
  output?: string;
  /** the incident every action of this run is recorded on (else MEDICALCOR_INCIDENT) */
  incident?: string;
  color?: boolean;
  debug?: boolean;
}

export interface Streams {
  stdout: Writable & { isTTY?: boolean };
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
  /** on a production environment: the typed name, or --yes with an explicit --env (see core/output/confirm.ts) */
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
}

/** One action taken by medicalcor, as it appears on an incident's timeline (no patient data). */
export interface IncidentAction {
  /** what kind: 'runbook.run', 'breaker.open', 'breaker.reset', 'budget.freeze', 'pii.reveal', 'migrate.up', 'trace.report' ... */
  kind: string;
  /** one line for the timeline: "runbook dlq-replay run 42 succeeded" */
  summary: string;
  /** where the full record lives: "runbook_runs:42", "pii_access_log:7", a file path */
  ref?: string;
  outcome?: 'succeeded' | 'failed' | 'interrupted';
}

export function makeContext(streams: Streams, global: GlobalOptions, signal: AbortSignal): CommandContext {
  const io: Io = {
    stdout: streams.stdout,
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
  };
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
      systems ??= openSystems({ config: () => context.config(), io, env: streams.env, cwd: streams.cwd, label: () => context.label });
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
      return requested;
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
export async function verifyActiveIncident(context: CommandContext): Promise<void> {
  const active = context.activeIncident();
  if (!active) return;
  const { getIncident, parseIncidentId } = await import('../core/incidents/index.js');
  const incident = await getIncident((await context.systems.database()).pool, parseIncidentId(active));
  if (incident.status === 'resolved') {
    note(context.io, `warning: ${incident.ref} is resolved: this run's actions will not be recorded on it.`);
  }
}

/** Loads the config file parser (zod, yaml) only when there is a file to read. */
export async function prepareConfig(streams: Streams, global: GlobalOptions): Promise<void> {
  if (global.config || findConfigFile(streams.cwd, streams.env)) await loadConfigParser();
}
