import { z } from 'zod';
import { invalidInput } from '../errors.js';
import { defineEvent, EventRegistry, type EventDefinition } from './registry.js';

/**
 * A registry as data: what `events schemas` writes and `events check` reads back to check a
 * proposed registry (a branch's) against stored events before it is deployed. Upcasters are code,
 * so the file only says which exist.
 */
export const registryFileSchema = z.object({
  format: z.literal(1),
  events: z.array(
    z.object({
      type: z.string().min(1),
      aggregateType: z.string().min(1),
      description: z.string().default(''),
      versions: z
        .array(
          z.object({ version: z.int().positive(), upcaster: z.boolean(), schema: z.record(z.string(), z.unknown()) }),
        )
        .min(1),
    }),
  ),
});
export type RegistryFile = z.infer<typeof registryFileSchema>;

export function registryToJson(registry: EventRegistry): RegistryFile {
  return {
    format: 1,
    events: registry.types().map((d) => ({
      type: d.type,
      aggregateType: d.aggregateType,
      description: d.description,
      versions: d.versions.map((v) => ({
        version: v.version,
        upcaster: typeof v.upcast === 'function' || v.upcasterDeclared === true,
        schema: z.toJSONSchema(v.schema, { unrepresentable: 'any' }) as Record<string, unknown>,
      })),
    })),
  };
}

export function registryFromJson(data: unknown, source: string): EventRegistry {
  const parsed = registryFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidInput(
      `${source} is not an event registry file: ${issue.path.join('.') || '(root)'}: ${issue.message}.`,
      {
        code: 'events.registry-file-invalid',
        facts: { source },
        remedy:
          'Write it with the registry export of the proposed branch (format 1), ' +
          'or give a module exporting the registry.',
      },
    );
  }
  const definitions: EventDefinition[] = parsed.data.events.map((e) =>
    defineEvent({
      type: e.type,
      aggregateType: e.aggregateType,
      description: e.description,
      versions: e.versions.map((v) => ({
        version: v.version,
        upcasterDeclared: v.upcaster,
        schema: z.fromJSONSchema(v.schema as never),
      })),
    }),
  );
  return new EventRegistry(definitions);
}
