import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { packageDir, type ResolvedConfig } from '../config/index.js';
import { CliError, ExitCode } from '../../cli-kit/index.js';
import { parseDurationSeconds } from './duration.js';

/** Where a query takes the evaluation window, e.g. `rate(x[$window])`. */
export const WINDOW_PLACEHOLDER = '$window';

const promql = z
  .string()
  .trim()
  .min(1)
  .refine((q) => q.includes(WINDOW_PLACEHOLDER), { message: `must use ${WINDOW_PLACEHOLDER} as its range (e.g. rate(x[${WINDOW_PLACEHOLDER}]))` });

const windowSchema = z
  .string()
  .refine((w) => w === 'calendar-month' || (parseDurationSeconds(w) ?? 0) >= 86_400, {
    message: 'must be a rolling duration of 1d or more (e.g. 30d, 4w), or "calendar-month"',
  });

export const slaSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and -'),
    name: z.string().min(1),
    description: z.string().optional(),
    /** how the value is shown: percent (0..100), seconds, ratio (0..1), per_second */
    unit: z.enum(['percent', 'seconds', 'ratio', 'per_second']),
    /** which way is good: stated, because it cannot be told from the unit (availability vs error rate) */
    direction: z.enum(['higher', 'lower']),
    objective: z.number(),
    thresholds: z.object({ warning: z.number(), breach: z.number() }).strict(),
    window: windowSchema,
    sli: z
      .object({
        /** the SLI in `unit`, compared with the thresholds */
        value: promql,
        /** bad events (or bad time) over all, 0..1: what spends the error budget */
        errorRatio: promql,
      })
      .strict(),
    /** the share of events (or time) allowed to be bad over the window, e.g. 0.0005 for 99.95 % */
    errorBudget: z.number().gt(0).lt(1),
  })
  .strict()
  .superRefine((sla, ctx) => {
    const { warning, breach } = sla.thresholds;
    if (sla.direction === 'higher' && warning < breach) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'warning'], message: `higher is better, so the warning threshold (${warning}) must be at or above the breach threshold (${breach})` });
    }
    if (sla.direction === 'lower' && warning > breach) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'warning'], message: `lower is better, so the warning threshold (${warning}) must be at or below the breach threshold (${breach})` });
    }
  });

export type SlaDefinition = z.infer<typeof slaSchema>;

/** What every result about an SLA repeats from its definition. */
export type SlaIdentity = Pick<SlaDefinition, 'id' | 'name' | 'unit' | 'direction' | 'objective' | 'thresholds'>;

export function identityOf(sla: SlaDefinition): SlaIdentity {
  return { id: sla.id, name: sla.name, unit: sla.unit, direction: sla.direction, objective: sla.objective, thresholds: sla.thresholds };
}

/** `a` is a worse value of the SLI than `b`, given which way is good. */
export function isWorse(direction: SlaDefinition['direction'], a: number, b: number): boolean {
  return direction === 'higher' ? a < b : a > b;
}

const catalogueSchema = z
  .object({
    slas: z.array(slaSchema).min(1, 'the catalogue defines no SLA'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.slas.forEach((sla, i) => {
      if (seen.has(sla.id)) ctx.addIssue({ code: 'custom', path: ['slas', i, 'id'], message: `"${sla.id}" is defined twice` });
      seen.add(sla.id);
    });
  });

export interface SlaCatalogue {
  file: string;
  slas: SlaDefinition[];
}

/** The platform's catalogue, shipped with the CLI (src/sla/platform.yaml). */
export function shippedCatalogueFile(packageDir: string): string {
  return join(packageDir, 'src', 'sla', 'platform.yaml');
}

/** The environment's catalogue (slaCatalog), else the shipped one. */
export function catalogueFileFor(config: Pick<ResolvedConfig, 'slaCatalog'>): string {
  return config.slaCatalog ?? shippedCatalogueFile(packageDir());
}

/** "file: SLA api-latency-p95: thresholds.warning: …": the file, the SLA and the field, so it can be fixed. */
function describeIssue(file: string, raw: unknown, issue: z.core.$ZodIssue): string {
  const [top, index, ...rest] = issue.path;
  if (top === 'slas' && typeof index === 'number') {
    const item = (raw as { slas?: unknown[] })?.slas?.[index] as { id?: unknown } | undefined;
    const who = typeof item?.id === 'string' ? `SLA ${item.id}` : `SLA #${index + 1}`;
    return `${file}: ${who}: ${rest.length ? `${rest.join('.')}: ` : ''}${issue.message}`;
  }
  return `${file}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
}

export function parseCatalogue(text: string, file: string): SlaCatalogue {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new CliError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, ExitCode.Usage, 'Fix the syntax and run the command again.');
  }
  const parsed = catalogueSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    throw new CliError(
      describeIssue(file, raw, first!) + (rest.length ? ` (and ${rest.length} more)` : ''),
      ExitCode.Usage,
      'See docs/sla.md for the fields an SLA takes.',
    );
  }
  return { file, slas: parsed.data.slas };
}

export function loadCatalogue(file: string): SlaCatalogue {
  if (!existsSync(file)) throw new CliError(`SLA catalogue ${file} does not exist.`, ExitCode.Usage, 'Point --catalog (or slaCatalog in medicalcor.config.yaml) at a catalogue file.');
  return parseCatalogue(readFileSync(file, 'utf8'), file);
}

/** Only the SLAs asked for; an unknown id is a usage error naming the known ones. */
export function selectSlas(catalogue: SlaCatalogue, ids: readonly string[] | undefined): SlaDefinition[] {
  if (!ids?.length) return catalogue.slas;
  const known = new Map(catalogue.slas.map((s) => [s.id, s]));
  return ids.map((id) => {
    const sla = known.get(id);
    if (!sla) throw new CliError(`No SLA "${id}" in ${catalogue.file}.`, ExitCode.Usage, `Known SLAs: ${[...known.keys()].join(', ')}.`);
    return sla;
  });
}
