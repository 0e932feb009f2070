import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { packageDir, type ResolvedConfig } from '../config/index.js';
import { invalidInput } from '../errors.js';
import { BURN_WINDOWS } from './burn-rate.js';
import { parseDurationSeconds } from './duration.js';
import { selectorsOf } from './selectors.js';
import { WINDOW_PLACEHOLDER } from './window-placeholder.js';

export { WINDOW_PLACEHOLDER } from './window-placeholder.js';

const LONGEST_BURN_WINDOW = Math.max(...BURN_WINDOWS.map((w) => w.seconds));
const MAX_WINDOW = 400 * 86_400;

const promql = z
  .string()
  .trim()
  .min(1)
  .refine((q) => q.includes(WINDOW_PLACEHOLDER), {
    message: `must use ${WINDOW_PLACEHOLDER} as its range (e.g. rate(x[${WINDOW_PLACEHOLDER}]))`,
  });

const windowSchema = z
  .string()
  .refine(
    (w) =>
      w === 'calendar-month' ||
      ((parseDurationSeconds(w) ?? 0) >= LONGEST_BURN_WINDOW && parseDurationSeconds(w)! <= MAX_WINDOW),
    {
      message:
        'must be a rolling duration from 3d (the longest burn-rate window) to 400d (e.g. 30d, 4w), or "calendar-month"',
    },
  );

const staleAfterSchema = z.string().refine(
  (d) => {
    const s = parseDurationSeconds(d);
    return s !== undefined && s >= 60 && s <= 86_400;
  },
  { message: 'must be a duration from 1m to 1d (e.g. 10m)' },
);

/** A series selector: a metric name with optional matchers, no range and no function around it. */
const selectorSchema = z
  .string()
  .trim()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})?$/, 'must be a series selector such as metric_total{job="api"}');

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

/** Where each unit's values can lie: a percentage is 0..100, a ratio 0..1, a time or a rate never negative. */
const UNIT_RANGE: Record<string, [number, number]> = {
  percent: [0, 100],
  ratio: [0, 1],
  seconds: [0, Infinity],
  per_second: [0, Infinity],
};

const slaShape = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and -'),
    name: z.string().min(1),
    description: z.string().optional(),
    /** how the value is shown: percent (0..100), seconds, ratio (0..1), per_second */
    unit: z.enum(['percent', 'seconds', 'ratio', 'per_second']),
    /** which way is good: stated, because it cannot be told from the unit (availability vs error rate) */
    direction: z.enum(['higher', 'lower']),
    objective: finite,
    thresholds: z.object({ warning: finite, breach: finite }).strict(),
    window: windowSchema,
    sli: z
      .object({
        /** the SLI in `unit`, compared with the thresholds */
        value: promql,
        /** bad events (or bad time) over all, 0..1: what spends the error budget */
        errorRatio: promql,
        /** the series whose samples prove the SLI is current (default: those errorRatio reads) */
        series: z.array(selectorSchema).min(1).optional(),
      })
      .strict(),
    /** the share of events (or time) allowed to be bad over the window, e.g. 0.0005 for 99.95 % */
    errorBudget: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1'),
    /** the runbook (src/runbooks id) that answers this SLA's alerts */
    runbook: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a runbook id (lower-case letters, digits and -)'),
    /** no sample for this long: the SLI is stale, not healthy */
    staleAfter: staleAfterSchema.default('10m'),
  })
  .strict()
  .superRefine((sla, ctx) => {
    const [low, high] = UNIT_RANGE[sla.unit]!;
    const inRange = (value: number, path: (string | number)[]) => {
      if (value < low || value > high)
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${value} is outside ${low}..${high === Infinity ? '∞' : high}, the range of a ${sla.unit} value`,
        });
    };
    inRange(sla.objective, ['objective']);
    inRange(sla.thresholds.warning, ['thresholds', 'warning']);
    inRange(sla.thresholds.breach, ['thresholds', 'breach']);
    const { warning, breach } = sla.thresholds;
    if (sla.direction === 'higher' && warning < breach) {
      ctx.addIssue({
        code: 'custom',
        path: ['thresholds', 'warning'],
        message:
          `higher is better, so the warning threshold (${warning}) ` +
          `must be at or above the breach threshold (${breach})`,
      });
    }
    if (sla.direction === 'lower' && warning > breach) {
      ctx.addIssue({
        code: 'custom',
        path: ['thresholds', 'warning'],
        message:
          `lower is better, so the warning threshold (${warning}) ` +
          `must be at or below the breach threshold (${breach})`,
      });
    }
    if (!sla.sli.series && selectorsOf(sla.sli.errorRatio).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['sli', 'series'],
        message: 'no series selector before [$window] in errorRatio: name the series that prove the SLI is current',
      });
    }
  });

export const slaSchema = slaShape.transform((sla) => ({
  ...sla,
  sli: { ...sla.sli, series: sla.sli.series ?? selectorsOf(sla.sli.errorRatio) },
}));

export type SlaDefinition = z.infer<typeof slaSchema>;

/** What every result about an SLA repeats from its definition. */
export type SlaIdentity = Pick<
  SlaDefinition,
  'id' | 'name' | 'unit' | 'direction' | 'objective' | 'thresholds' | 'runbook'
>;

export function identityOf(sla: SlaDefinition): SlaIdentity {
  const { id, name, unit, direction, objective, thresholds, runbook } = sla;
  return { id, name, unit, direction, objective, thresholds, runbook };
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
      if (seen.has(sla.id))
        ctx.addIssue({ code: 'custom', path: ['slas', i, 'id'], message: `"${sla.id}" is defined twice` });
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

/** "file: SLA api-latency-p95: thresholds.warning: …": the file, the SLA and the key, so it can be fixed. */
function describeIssue(
  file: string,
  raw: unknown,
  issue: z.core.$ZodIssue,
): { message: string; sla?: string; key: string } {
  const [top, index, ...rest] = issue.path;
  if (top === 'slas' && typeof index === 'number') {
    const items = raw && typeof raw === 'object' && 'slas' in raw && Array.isArray(raw.slas) ? raw.slas : [];
    const item: unknown = items[index];
    const id = item && typeof item === 'object' && 'id' in item && typeof item.id === 'string' ? item.id : undefined;
    const who = id ? `SLA ${id}` : `SLA #${index + 1}`;
    const key = rest.join('.');
    return { message: `${file}: ${who}: ${key ? `${key}: ` : ''}${issue.message}`, sla: id, key };
  }
  const key = issue.path.join('.');
  return { message: `${file}: ${key ? `${key}: ` : ''}${issue.message}`, key };
}

export function parseCatalogue(text: string, file: string): SlaCatalogue {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw invalidInput(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      code: 'sla.catalogue-invalid',
      facts: { file },
      remedy: 'Fix the syntax and try again.',
    });
  }
  const parsed = catalogueSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const issue = describeIssue(file, raw, first!);
    throw invalidInput(issue.message + (rest.length ? ` (and ${rest.length} more)` : ''), {
      code: 'sla.catalogue-invalid',
      facts: { file, sla: issue.sla, key: issue.key, issues: parsed.error.issues.length },
      remedy: 'See docs/sla.md for the fields an SLA takes.',
    });
  }
  return { file, slas: parsed.data.slas };
}

export function loadCatalogue(file: string): SlaCatalogue {
  if (!existsSync(file)) {
    throw invalidInput(`SLA catalogue ${file} does not exist.`, { code: 'sla.catalogue-missing', facts: { file } });
  }
  return parseCatalogue(readFileSync(file, 'utf8'), file);
}

/** Only the SLAs asked for; an unknown id is invalid input naming the known ones. */
export function selectSlas(catalogue: SlaCatalogue, ids: readonly string[] | undefined): SlaDefinition[] {
  if (!ids?.length) return catalogue.slas;
  const known = new Map(catalogue.slas.map((s) => [s.id, s]));
  return ids.map((id) => {
    const sla = known.get(id);
    if (!sla) {
      throw invalidInput(`No SLA "${id}" in ${catalogue.file}.`, {
        code: 'sla.unknown-id',
        facts: { id, file: catalogue.file },
        remedy: `Known SLAs: ${[...known.keys()].join(', ')}.`,
      });
    }
    return sla;
  });
}
