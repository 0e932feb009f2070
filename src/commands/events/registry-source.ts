import { loadRegistryFile, platformEvents, type EventRegistry } from '../../core/events/index.js';
import type { CommandContext } from '../context.js';

/** The registry a verb works with: the shipped platform registry, or a proposed one from a file. */
export async function registryFor(
  ctx: CommandContext,
  file: string | undefined,
): Promise<{ registry: EventRegistry; source: string }> {
  if (!file) return { registry: platformEvents(), source: 'platform' };
  return { registry: await loadRegistryFile(file, ctx.streams.cwd), source: file };
}
