/**
 * The one PII masking policy: every sink (trace views, --failed, runbook output and audit rows,
 * check and budget messages, error lines, the journey writers) masks through here.
 */
export { maskText, maskValue, createMasker, collectKnownNames, type Masker, type MaskOptions } from './value.js';
export { KnownNames } from './names.js';
export { isPiiKey, isNameKey } from './keys.js';
export { NAME_MASK } from './scan.js';
export { typedValue } from './typed-value.js';
export { isValidCnp, isValidIban, isCardNumber, passesLuhn, isValidPesel, isValidEgn } from './checksums.js';
