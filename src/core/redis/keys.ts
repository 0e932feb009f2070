import { invalidInput } from '../errors.js';

/**
 * Every key one Lua script touches must live in one Cluster slot: the part in braces is the only
 * part Redis Cluster hashes. `hashTagged('medicalcor:', 'budget')` is `medicalcor:{medicalcor:budget}:`,
 * so keys stay under the prefix (SCAN and cleanup by prefix still work) and two prefixes sharing a
 * Cluster land in different slots.
 */
export function hashTagged(prefix: string, scope: string): string {
  if (/[{}]/.test(prefix)) {
    throw invalidInput(
      `The Redis key prefix "${prefix}" contains a brace; braces are reserved for Cluster hash tags.`,
      { code: 'redis-bad-prefix', facts: { prefix } },
    );
  }
  return `${prefix}{${prefix}${scope}}:`;
}
