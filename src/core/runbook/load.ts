import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DomainError, invalidInput } from '../errors.js';
import { typedValue } from '../mask/typed-value.js';
import { runbookSchema, type Runbook } from './schema.js';
import { stepKind } from './steps/index.js';
import { BUILTIN_VARIABLES, referencedNames, STEP_VARIABLE, stringsIn } from './template.js';

export interface RunbookIssue {
  /** "step 3 "restart-api"" or "parameter "lead_id"" or undefined for the file itself */
  where?: string;
  field?: string;
  message: string;
}

export interface LoadedRunbook {
  runbook: Runbook;
  file: string;
  /** which directory it came from: "shipped" or the directory path */
  source: string;
  /** position of its directory; a later directory (the project's) wins over an earlier one (shipped) */
  rank?: number;
}

/** An invalid runbook file, every problem named with its step and field. */
export class RunbookFileError extends DomainError {
  constructor(
    readonly file: string,
    readonly issues: RunbookIssue[],
  ) {
    super('invalid-input', `${file}: ${issues.map(formatIssue).join(`\n${file}: `)}`, {
      code: 'runbook.invalid-file',
      facts: { file, issues: issues.map(formatIssue) },
      remedy: 'Fix the file (docs/runbook.md describes the format).',
    });
  }
}

export function isRunbookFileError(error: unknown): error is RunbookFileError {
  return (
    error instanceof DomainError &&
    error.code === 'runbook.invalid-file' &&
    Array.isArray((error as RunbookFileError).issues)
  );
}

export function formatIssue(issue: RunbookIssue): string {
  const parts = [issue.where, issue.field ? `field "${issue.field}"` : undefined].filter(Boolean);
  return `${parts.length ? `${parts.join(', ')}: ` : ''}${issue.message}`;
}

function describePath(path: readonly PropertyKey[], raw: unknown): Pick<RunbookIssue, 'where' | 'field'> {
  const data = raw as { steps?: { id?: unknown }[]; parameters?: { name?: unknown }[] };
  const [head, index, ...rest] = path;
  const field = (parts: readonly PropertyKey[]) =>
    parts
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[') || undefined;
  if (head === 'steps' && typeof index === 'number') {
    const id = data?.steps?.[index]?.id;
    return { where: `step ${index + 1}${typeof id === 'string' ? ` "${id}"` : ''}`, field: field(rest) };
  }
  if (head === 'parameters' && typeof index === 'number') {
    const name = data?.parameters?.[index]?.name;
    return { where: `parameter ${index + 1}${typeof name === 'string' ? ` "${name}"` : ''}`, field: field(rest) };
  }
  return { field: field(path) };
}

/** Rules zod cannot express on one field: references between fields and steps. */
function semanticIssues(runbook: Runbook, raw: unknown): RunbookIssue[] {
  const issues: RunbookIssue[] = [];
  const at = (path: (string | number)[], message: string) => issues.push({ ...describePath(path, raw), message });
  const variables = new Set<string>([...runbook.parameters.map((p) => p.name), ...BUILTIN_VARIABLES]);

  const names = new Set<string>();
  runbook.parameters.forEach((p, i) => {
    if (names.has(p.name)) at(['parameters', i, 'name'], `"${p.name}" is defined twice`);
    names.add(p.name);
  });

  const ids = new Set<string>();
  const used = new Set<string>();
  runbook.steps.forEach((step, i) => {
    if (ids.has(step.id)) at(['steps', i, 'id'], `"${step.id}" is used by an earlier step`);
    ids.add(step.id);
    for (const [text, path] of stringsIn(step)) {
      for (const name of referencedNames(text)) {
        used.add(name);
        const stepRef = STEP_VARIABLE.exec(name);
        if (stepRef) {
          if (!runbook.steps.slice(0, i).some((s) => s.id === stepRef[1]))
            at(['steps', i, ...path], `{{${name}}} names no earlier step`);
        } else if (name === 'db.password' && !(path[0] === 'env' || (path[0] === 'rollback' && path[1] === 'env'))) {
          at(
            ['steps', i, ...path],
            "{{db.password}} may only be used in a shell step's env (e.g. PGPASSWORD), never in argv, SQL or URLs",
          );
        } else if (!variables.has(name)) {
          at(
            ['steps', i, ...path],
            `{{${name}}} is not a parameter of this runbook (parameters: ` +
              `${runbook.parameters.map((p) => p.name).join(', ') || 'none'})`,
          );
        }
      }
    }
    // each kind's own rules (steps/<kind>.ts), for the step and for its rollback and verify
    const flags = { mutates: step.mutates, dryRun: step.dryRun };
    for (const issue of stepKind(step.kind).check(step, flags)) at(['steps', i, issue.field], issue.message);
    for (const [field, action] of [
      ['rollback', step.rollback],
      ['verify', step.verify],
    ] as const) {
      if (!action) continue;
      for (const issue of stepKind(action.kind).check(action)) at(['steps', i, field, issue.field], issue.message);
    }
    if (step.rollback && !step.mutates)
      at(['steps', i, 'rollback'], 'only a mutating step (mutates: true) can be rolled back');
    if (step.verify && !step.mutates)
      at(['steps', i, 'verify'], 'verify checks what a mutating step changed; this step has mutates: false');
  });
  // a parameter no step reads is a value the operator gives that changes nothing (e.g. a tenant that still freezes
  // everyone)
  runbook.parameters.forEach((p, i) => {
    if (!used.has(p.name)) at(['parameters', i, 'name'], `"${p.name}" is never used by any step`);
  });
  return issues;
}

/** Parses and validates one runbook's text; throws RunbookFileError naming the file, step and field. */
export function parseRunbook(text: string, file: string): Runbook {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new RunbookFileError(file, [{ message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const parsed = runbookSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RunbookFileError(
      file,
      parsed.error.issues.map((issue) => ({ ...describePath(issue.path, raw), message: issue.message })),
    );
  }
  const runbook = parsed.data;
  const issues = semanticIssues(runbook, raw);
  const stem = basename(file, extname(file));
  if (/\.ya?ml$/.test(file) && stem !== runbook.id)
    issues.unshift({
      field: 'id',
      message: `"${runbook.id}" must match the file name (${stem}.yaml), so "runbook run ${runbook.id}" finds it`,
    });
  if (issues.length) throw new RunbookFileError(file, issues);
  return runbook;
}

export function loadRunbookFile(file: string): Runbook {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new RunbookFileError(file, [{ message: `cannot read it: ${why}` }]);
  }
  return parseRunbook(text, file);
}

export interface RunbookDir {
  path: string;
  /** label shown in listings */
  source: string;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Every runbook in the directories, later directories overriding earlier ones by id (a
 * project's own runbook replaces the shipped one of the same id). Invalid files are returned
 * apart so one broken file does not hide the others.
 */
export function loadRunbooks(dirs: readonly RunbookDir[]): { runbooks: LoadedRunbook[]; errors: RunbookFileError[] } {
  const byId = new Map<string, LoadedRunbook>();
  const errors: RunbookFileError[] = [];
  for (const [rank, dir] of dirs.entries()) {
    for (const file of yamlFiles(dir.path)) {
      try {
        const runbook = loadRunbookFile(file);
        byId.set(runbook.id, { runbook, file, source: dir.source, rank });
      } catch (error) {
        if (isRunbookFileError(error)) errors.push(error);
        else throw error;
      }
    }
  }
  return { runbooks: [...byId.values()].sort((a, b) => a.runbook.id.localeCompare(b.runbook.id)), errors };
}

/** One runbook by id: reads only <dir>/<id>.yaml, so an unrelated broken file cannot block an incident. */
export function findRunbook(dirs: readonly RunbookDir[], id: string): LoadedRunbook {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(id)) {
    throw invalidInput(`${typedValue(id)} is not a runbook id (lower-case letters, digits, - and _).`, {
      code: 'runbook.bad-id',
      facts: { id },
    });
  }
  for (const dir of [...dirs].reverse()) {
    for (const ext of ['yaml', 'yml']) {
      const file = join(dir.path, `${id}.${ext}`);
      if (existsSync(file)) return { runbook: loadRunbookFile(file), file, source: dir.source };
    }
  }
  throw invalidInput(`No runbook "${id}" in ${dirs.map((d) => d.path).join(', ')}.`, {
    code: 'runbook.not-found',
    facts: { id },
  });
}

export interface FileValidation {
  file: string;
  valid: boolean;
  id?: string;
  steps?: number;
  issues: string[];
}

/** Each file checked on its own: one broken file does not stop the others from being reported. */
export function validateRunbookFiles(files: readonly { file: string; path: string }[]): FileValidation[] {
  return files.map(({ file, path }) => {
    try {
      const r = loadRunbookFile(path);
      return { file, valid: true, id: r.id, steps: r.steps.length, issues: [] };
    } catch (error) {
      if (isRunbookFileError(error)) return { file, valid: false, issues: error.issues.map(formatIssue) };
      throw error;
    }
  });
}
