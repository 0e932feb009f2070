import { resolve } from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../../cli-kit/index.js';
import { catalogueFileFor, loadCatalogue, parseTimePoint, type SlaCatalogue } from '../../core/sla/index.js';
import type { CommandContext } from '../context.js';
import { collectList } from '../options.js';
import { typedValue } from '../../core/mask/index.js';

/** What every `sla` verb that reads the catalogue takes. */
export interface CatalogueOptions {
  catalog?: string;
  sla?: string[];
}

export interface PrometheusOptions extends CatalogueOptions {
  prometheusUrl?: string;
}

export function catalogueFor(ctx: CommandContext, options: CatalogueOptions): SlaCatalogue {
  const file = options.catalog ? resolve(ctx.streams.cwd, options.catalog) : catalogueFileFor(ctx.config());
  return loadCatalogue(file);
}

export function timeOption(text: string | undefined, name: string, now: Date): Date | undefined {
  if (text === undefined) return undefined;
  const at = parseTimePoint(text, now);
  if (!at) {
    throw usageError(
      `${name} ${typedValue(text)} is not a time.`,
      'Use an ISO 8601 time (2025-03-01T12:00:00Z), a date (2025-03-01), "now" or "now-7d".',
    );
  }
  return at;
}

export const catalogueOptions = (command: Command) =>
  command
    .option('--catalog <file>', 'SLA catalogue (default: slaCatalog in the config, else the shipped one)')
    .option('--sla <id>', 'only this SLA (repeat, or comma-separate)', collectList);

export const prometheusOptions = (command: Command) =>
  catalogueOptions(command).option(
    '--prometheus-url <url>',
    'Prometheus base URL (default: MEDICALCOR_PROMETHEUS_URL or prometheusUrl)',
  );
