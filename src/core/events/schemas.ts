import type { EventRegistry, VersionCoverage } from './registry.js';

export interface EventTypeSummary {
  type: string;
  aggregateType: string;
  description: string;
  latestVersion: number;
  versions: VersionCoverage[];
  /** versions that cannot be lifted to the latest */
  uncovered: number[];
}

/** Every registered type with its versions and upcaster coverage. */
export function describeRegistry(registry: EventRegistry): EventTypeSummary[] {
  return registry.types().map((d) => {
    const versions = registry.coverage(d.type);
    return {
      type: d.type,
      aggregateType: d.aggregateType,
      description: d.description,
      latestVersion: d.versions.length,
      versions,
      uncovered: versions.filter((v) => !v.reachesLatest).map((v) => v.version),
    };
  });
}
