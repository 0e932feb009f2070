import { readFileSync } from 'node:fs';
import { invalidInput } from '../errors.js';
import { OBJECT_KINDS, objectKey, parseKey, type AttrValue, type SchemaModel, type SchemaObject } from './model.js';

export const SNAPSHOT_FORMAT = 1;
/** The snapshot's name beside the migrations (dbmate reads only *.sql there). */
export const SNAPSHOT_FILENAME = 'schema.snapshot.json';

/** zod is imported only when a snapshot is read: `schema diff URL URL` starts quicker without it. */
async function snapshotSchema() {
  const { z } = await import('zod');
  const attrValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
  return z.object({
    format: z.literal(SNAPSHOT_FORMAT),
    objects: z.record(z.string(), z.record(z.string(), attrValue)),
  });
}

function sortedAttrs(attrs: Record<string, AttrValue>): Record<string, AttrValue> {
  return Object.fromEntries(
    Object.keys(attrs)
      .sort()
      .map((k) => [k, attrs[k]!]),
  );
}

const kindOrder = (o: SchemaObject) => OBJECT_KINDS.indexOf(o.kind);

/** Deterministic JSON: objects ordered by kind then name, attributes by name, one attribute per line. */
export function serializeSnapshot(model: SchemaModel): string {
  const objects = [...model.objects.values()].sort(
    (a, b) => kindOrder(a) - kindOrder(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const body = {
    format: SNAPSHOT_FORMAT,
    generated_by: 'medicalcor schema dump',
    objects: Object.fromEntries(objects.map((o) => [objectKey(o.kind, o.name), sortedAttrs(o.attrs)])),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export async function parseSnapshot(text: string, file: string): Promise<SchemaModel> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidInput(`${file} is not a schema snapshot: ${(error as Error).message}`, {
      code: 'schema.snapshot-invalid',
      facts: { file },
    });
  }
  const parsed = (await snapshotSchema()).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidInput(
      `${file} is not a schema snapshot (format ${SNAPSHOT_FORMAT}): ${issue.path.join('.') || 'file'}: ` +
        `${issue.message}`,
      {
        code: 'schema.snapshot-invalid',
        facts: { file },
      },
    );
  }
  const model: SchemaModel = { objects: new Map() };
  for (const [key, attrs] of Object.entries(parsed.data.objects)) {
    let kind;
    try {
      kind = parseKey(key);
    } catch {
      throw invalidInput(`${file}: unknown object "${key}".`, {
        code: 'schema.snapshot-invalid',
        facts: { file },
        remedy: `Object keys start with one of: ${OBJECT_KINDS.join(', ')}.`,
      });
    }
    model.objects.set(key, { ...kind, attrs });
  }
  return model;
}

export async function readSnapshot(file: string): Promise<SchemaModel> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw invalidInput(
      missing ? `Schema snapshot not found: ${file}` : `Cannot read ${file}: ${(error as Error).message}`,
      {
        code: missing ? 'schema.snapshot-missing' : 'schema.snapshot-unreadable',
        facts: { file },
        remedy: missing ? 'Create it with the schema dump and commit it next to the migrations.' : undefined,
      },
    );
  }
  return parseSnapshot(text, file);
}
