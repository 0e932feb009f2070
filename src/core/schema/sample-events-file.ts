import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLE_EVENTS_FILENAME = 'sample-events.jsonl';

/**
 * The sample file beside the migrations, if there is one. Only JSON Lines there: a .sql file in
 * the migrations directory would be taken for a misnamed migration (and change the model key).
 */
export function sampleEventsFileFor(migrationsDir: string): string | undefined {
  const file = join(migrationsDir, SAMPLE_EVENTS_FILENAME);
  return existsSync(file) ? file : undefined;
}
