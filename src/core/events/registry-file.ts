import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalidInput, isDomainError } from '../errors.js';
import { EventRegistry, type EventDefinition } from './registry.js';
import { registryFromJson } from './registry-json.js';

/**
 * A proposed registry from a file: JSON in the registry file format, or an ES module exporting
 * `registry` (an EventRegistry, or an array of definitions) or a default export of either.
 */
export async function loadRegistryFile(path: string, cwd: string): Promise<EventRegistry> {
  const full = resolve(cwd, path);
  if (/\.json$/i.test(full)) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(full, 'utf8'));
    } catch (error) {
      throw invalidInput(`Cannot read the registry file ${path}: ${(error as Error).message.split('\n')[0]}`, {
        code: 'events.registry-file-unreadable',
        facts: { path },
      });
    }
    return registryFromJson(data, path);
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
  } catch (error) {
    if (isDomainError(error)) throw error;
    throw invalidInput(`Cannot load the registry module ${path}: ${(error as Error).message.split('\n')[0]}`, {
      code: 'events.registry-file-unreadable',
      facts: { path },
    });
  }
  const exported = module.registry ?? module.default;
  if (exported instanceof EventRegistry || isRegistryLike(exported)) return exported as EventRegistry;
  if (Array.isArray(exported)) return new EventRegistry(exported as EventDefinition[]);
  if (typeof exported === 'function') return (exported as () => EventRegistry)();
  throw invalidInput(`${path} exports no event registry.`, {
    code: 'events.registry-file-invalid',
    facts: { path },
    remedy: 'Export "registry" (an EventRegistry or an array of event definitions) or a default export of one.',
  });
}

/** By shape: the module may have been built against its own copy of the library. */
function isRegistryLike(value: unknown): boolean {
  return Boolean(
    value &&
      typeof value === 'object' &&
      typeof (value as EventRegistry).types === 'function' &&
      typeof (value as EventRegistry).coverage === 'function',
  );
}
