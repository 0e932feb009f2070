/**
 * What was typed, for a message that refuses it: quoted, unless it has several words. A refused
 * value of several words is more often a patient's name pasted in the wrong place than a typo, and
 * the mask recognises names only by their cues, so such a value is described, not echoed.
 */
export function typedValue(value: string): string {
  const words = value.trim().split(/\s+/).length;
  return words > 1 ? `a value of ${words} words` : `"${value}"`;
}
