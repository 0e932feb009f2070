import type { z } from 'zod';
import { maskText } from '../mask/index.js';
import { formatPath, shownValue } from './masking.js';
import type { EventDefinition, EventRegistry } from './registry.js';

export type VersionStatus = 'registered' | 'unknown-type' | 'unknown-version';

export interface InvalidEvent {
  eventId: string;
  position: number;
  /** the first failing path in the payload, e.g. "contact.phone" */
  path: string;
  message: string;
  /** the stored value there, masked */
  value: string;
}

export interface TypeVersionReport {
  type: string;
  version: number;
  status: VersionStatus;
  count: number;
  invalid: number;
  firstInvalid?: InvalidEvent;
  /** null when the type or version is not registered */
  reachesLatest: boolean | null;
  latestVersion: number | null;
  /** valid at its own version, but the upcast payload fails the latest schema (or the upcaster threw) */
  upcastFailures: number;
  firstUpcastFailure?: InvalidEvent;
}

/** What one (type, version) needs to check a payload, looked up once, and its counts. */
interface Bucket {
  report: TypeVersionReport;
  schema?: z.ZodType;
  latestSchema?: z.ZodType;
  definition?: EventDefinition;
  /** only when every step has a runnable upcaster */
  liftable: boolean;
}

/**
 * Validates stored payloads against the registry and counts them per type and version. Nothing is
 * kept per event but the first failure of each (type, version), so the cost is the JSON parse and
 * the schema's own check; a payload of an unknown type or version is counted without parsing it.
 */
export class PayloadChecker {
  /** by type, then by version */
  private readonly buckets = new Map<string, Bucket[]>();

  constructor(private readonly registry: EventRegistry) {}

  check(position: number, type: string, version: number, payloadText: string): void {
    let byVersion = this.buckets.get(type);
    if (!byVersion) {
      byVersion = [];
      this.buckets.set(type, byVersion);
    }
    let bucket = byVersion[version];
    if (!bucket) {
      bucket = bucketFor(type, version, this.registry);
      byVersion[version] = bucket;
    }
    const report = bucket.report;
    report.count++;
    if (!bucket.schema) return;
    const payload: unknown = JSON.parse(payloadText);
    const result = bucket.schema.safeParse(payload);
    if (!result.success) {
      report.invalid++;
      if (!report.firstInvalid || position < report.firstInvalid.position)
        report.firstInvalid = describe(position, payload, result.error.issues[0]);
      return;
    }
    if (bucket.liftable) this.checkUpcast(bucket, position, payload, result.data);
  }

  /** valid at its own version: does it still validate once lifted to the latest? */
  private checkUpcast(bucket: Bucket, position: number, payload: unknown, data: unknown): void {
    const report = bucket.report;
    try {
      const lifted = this.registry.upcast(report.type, report.version, data).payload;
      const latest = bucket.latestSchema!.safeParse(lifted);
      if (!latest.success) {
        report.upcastFailures++;
        if (!report.firstUpcastFailure || position < report.firstUpcastFailure.position)
          report.firstUpcastFailure = describe(position, lifted, latest.error.issues[0]);
      }
    } catch (error) {
      report.upcastFailures++;
      if (!report.firstUpcastFailure || position < report.firstUpcastFailure.position)
        report.firstUpcastFailure = describe(position, payload, {
          path: [],
          message: `upcaster threw: ${(error as Error).message}`,
        });
    }
  }

  reports(): TypeVersionReport[] {
    return [...this.buckets.values()].flatMap((byVersion) => byVersion.filter(Boolean).map((b) => b.report));
  }
}

function bucketFor(type: string, version: number, registry: EventRegistry): Bucket {
  const definition = registry.get(type);
  const latestVersion = definition ? definition.versions.length : null;
  const entry = version >= 1 ? definition?.versions[version - 1] : undefined;
  const coverage = entry ? registry.coverage(type)[version - 1] : undefined;
  const status: VersionStatus = !definition ? 'unknown-type' : entry ? 'registered' : 'unknown-version';
  const liftable = Boolean(
    entry &&
      latestVersion &&
      version < latestVersion &&
      definition!.versions.slice(version - 1, -1).every((v) => v.upcast),
  );
  return {
    report: {
      type,
      version,
      status,
      count: 0,
      invalid: 0,
      reachesLatest: coverage ? coverage.reachesLatest : null,
      latestVersion,
      upcastFailures: 0,
    },
    schema: entry?.schema,
    latestSchema: definition?.versions[definition.versions.length - 1]?.schema,
    definition,
    liftable,
  };
}

function describe(
  position: number,
  payload: unknown,
  issue: { path: PropertyKey[]; message: string } | undefined,
): InvalidEvent {
  const path = issue?.path ?? [];
  // the id is looked up once the scan is done: reading it for every event costs a tenth of the scan
  return {
    eventId: '',
    position,
    path: formatPath(path),
    message: maskText(issue?.message ?? 'invalid'),
    value: shownValue(payload, path),
  };
}
