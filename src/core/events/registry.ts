import type { z } from 'zod';
import { invalidInput, notFound } from '../errors.js';

/** One version of an event's payload, and how to lift a payload of this version to the next one. */
export interface EventVersion {
  version: number;
  schema: z.ZodType;
  /** payload of this version -> payload of version + 1 (absent on the latest, or when nobody wrote one yet) */
  upcast?: (payload: any) => unknown;
  /** a registry read from JSON cannot carry code: it declares that an upcaster exists */
  upcasterDeclared?: boolean;
}

export interface EventDefinition<Latest = unknown> {
  /** the stored event_type, e.g. "LeadCreated" */
  type: string;
  /** the stored aggregate_type of the stream it belongs to, e.g. "Lead" */
  aggregateType: string;
  description: string;
  /** every version from 1, in order */
  versions: readonly EventVersion[];
  /** phantom: the latest payload's type, for services */
  readonly __latest?: Latest;
}

/** An event type with its payload versions; the versions must be 1, 2, 3 … without a gap. */
export function defineEvent<Latest>(definition: {
  type: string;
  aggregateType: string;
  description: string;
  versions: readonly EventVersion[];
  latest?: z.ZodType<Latest>;
}): EventDefinition<Latest> {
  definition.versions.forEach((v, i) => {
    if (v.version !== i + 1) {
      throw invalidInput(`Event ${definition.type}: version ${v.version} is listed where version ${i + 1} belongs.`, {
        code: 'events.version-gap',
        facts: { type: definition.type, version: v.version },
        remedy: 'List every version from 1 in order.',
      });
    }
  });
  return {
    type: definition.type,
    aggregateType: definition.aggregateType,
    description: definition.description,
    versions: definition.versions,
  };
}

export interface VersionCoverage {
  version: number;
  latest: boolean;
  /** an upcaster to the next version exists */
  upcaster: boolean;
  /** every step from this version to the latest has an upcaster */
  reachesLatest: boolean;
}

/** The registered event types: what every service and the CLI check stored events against. */
export class EventRegistry {
  private readonly byType = new Map<string, EventDefinition>();

  constructor(definitions: readonly EventDefinition[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: EventDefinition): this {
    if (this.byType.has(definition.type)) {
      throw invalidInput(`Event type ${definition.type} is registered twice.`, {
        code: 'events.duplicate-type',
        facts: { type: definition.type },
      });
    }
    this.byType.set(definition.type, definition);
    return this;
  }

  types(): EventDefinition[] {
    return [...this.byType.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  get(type: string): EventDefinition | undefined {
    return this.byType.get(type);
  }

  latestVersion(type: string): number | undefined {
    return this.byType.get(type)?.versions.length;
  }

  version(type: string, version: number): EventVersion | undefined {
    return this.byType.get(type)?.versions[version - 1];
  }

  coverage(type: string): VersionCoverage[] {
    const versions = this.byType.get(type)?.versions ?? [];
    const out: VersionCoverage[] = [];
    let reaches = true;
    // walk from the latest down: a version reaches the latest when it and every later one can be lifted
    for (let i = versions.length - 1; i >= 0; i--) {
      const latest = i === versions.length - 1;
      const upcaster = typeof versions[i]!.upcast === 'function' || versions[i]!.upcasterDeclared === true;
      if (!latest) reaches = reaches && upcaster;
      out.unshift({ version: i + 1, latest, upcaster, reachesLatest: latest || reaches });
    }
    return out;
  }

  /** Lifts a payload of `fromVersion` to the latest version; throws when a step has no upcaster. */
  upcast(type: string, fromVersion: number, payload: unknown): { version: number; payload: unknown } {
    const definition = this.byType.get(type);
    if (!definition)
      throw notFound(`Event type ${type} is not registered.`, { code: 'events.unknown-type', facts: { type } });
    if (fromVersion < 1 || fromVersion > definition.versions.length) {
      throw notFound(`Event ${type} has no version ${fromVersion}.`, {
        code: 'events.unknown-version',
        facts: { type, version: fromVersion },
      });
    }
    let current = payload;
    for (let v = fromVersion; v < definition.versions.length; v++) {
      const step = definition.versions[v - 1]!.upcast;
      if (!step) {
        throw notFound(`Event ${type} has no upcaster from version ${v} to ${v + 1}.`, {
          code: 'events.missing-upcaster',
          facts: { type, version: v },
        });
      }
      current = step(current);
    }
    return { version: definition.versions.length, payload: current };
  }

  /** A stored payload as the latest version, validated: what a projector or service reads. */
  read<Latest>(definition: EventDefinition<Latest>, version: number, payload: unknown): Latest {
    const lifted = this.upcast(definition.type, version, payload);
    return definition.versions[lifted.version - 1]!.schema.parse(lifted.payload) as Latest;
  }
}
