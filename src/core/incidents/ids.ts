import { invalidInput } from '../errors.js';
import { typedValue } from '../mask/typed-value.js';

/** "INC-42", "inc-42" or "42" → 42; anything else is invalid input. */
export function parseIncidentId(text: string): number {
  const match = /^(?:inc-)?(\d{1,15})$/i.exec(text.trim());
  if (!match) {
    throw invalidInput(`${typedValue(text)} is not an incident ID.`, {
      code: 'incident.bad-id',
      remedy: 'Incident IDs look like INC-42 (or just 42).',
    });
  }
  return Number(match[1]);
}
