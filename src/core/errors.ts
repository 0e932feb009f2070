/**
 * Domain errors: what went wrong, as facts a caller (the CLI, or a service importing the library)
 * can act on. They carry a kind and facts, never a process exit code or a CLI flag name; the
 * command layer (src/commands/errors.ts) maps them once to exit codes and hints.
 */
export type ErrorKind =
  /** the caller passed something that cannot work: a bad name, value or file */
  | 'invalid-input'
  /** the thing named does not exist: a runbook, a breaker, an incident, a relation */
  | 'not-found'
  /** a system could not be reached or refused: database, Redis, Trigger.dev, Prometheus */
  | 'unavailable'
  /** the operation collides with the current state: a lock held, a run in progress, a guard */
  | 'conflict'
  /** stopped on purpose (Ctrl-C, SIGTERM): what was in flight was rolled back or recorded */
  | 'interrupted'
  /** the operation worked and found something wrong: drift, an invalid event, a failed step */
  | 'problem';

export interface DomainErrorOptions {
  /** stable identifier a caller can switch on ("migrate.lock-timeout"); the CLI keys its hints by it */
  code?: string;
  /** facts behind the message (names, counts, versions), for hints and JSON output */
  facts?: Record<string, unknown>;
  /** what to do next, in domain words (never a flag name) */
  remedy?: string;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly facts: Record<string, unknown>;
  readonly remedy?: string;

  constructor(kind: ErrorKind, message: string, options: DomainErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'DomainError';
    this.kind = kind;
    this.code = options.code ?? kind;
    this.facts = options.facts ?? {};
    this.remedy = options.remedy;
  }
}

export const invalidInput = (message: string, options?: DomainErrorOptions) =>
  new DomainError('invalid-input', message, options);
export const notFound = (message: string, options?: DomainErrorOptions) =>
  new DomainError('not-found', message, options);
export const unavailable = (message: string, options?: DomainErrorOptions) =>
  new DomainError('unavailable', message, options);
export const conflict = (message: string, options?: DomainErrorOptions) =>
  new DomainError('conflict', message, options);
export const interrupted = (message: string, options?: DomainErrorOptions) =>
  new DomainError('interrupted', message, options);
export const problemFound = (message: string, options?: DomainErrorOptions) =>
  new DomainError('problem', message, options);

/** By shape, not instanceof: the CLI shell and the library are separate bundles with a copy each. */
export function isDomainError(error: unknown): error is DomainError {
  return error instanceof Error && error.name === 'DomainError' && typeof (error as DomainError).kind === 'string';
}

/** PostgreSQL's "undefined_table": the MedicalCor schema (or part of it) is not applied. */
export function isSchemaMissing(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '42P01';
}

/** A table the operation needs is missing: the schema has not been migrated on that database. */
export class SchemaMissingError extends DomainError {
  constructor(relation: string | undefined, cause?: unknown) {
    super(
      'not-found',
      `The MedicalCor schema is not applied on this database${relation ? ` (${relation} is missing)` : ''}.`,
      {
        code: 'schema-missing',
        facts: { relation },
        remedy: 'Apply the migrations to this database first.',
        cause,
      },
    );
  }
}

/** Re-throws PostgreSQL's undefined_table as SchemaMissingError; anything else unchanged. */
export function rethrowSchemaMissing(error: unknown): never {
  if (isSchemaMissing(error)) {
    const relation = /relation "([^"]+)"/.exec((error as Error).message)?.[1];
    throw new SchemaMissingError(relation, error);
  }
  throw error;
}
