/**
 * A correlation ID as the platform issues them (UUIDs, ULIDs, `req_…` ids). Trigger.dev tags are
 * at most 128 characters and the trace searches the tag `corr_<id>`, hence 123.
 */
const CORRELATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,122}$/;

/** undefined when valid, else why not (for a usage error). */
export function correlationIdProblem(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > 123) return `it is ${value.length} characters long; the longest is 123`;
  if (!CORRELATION_ID.test(value))
    return 'it may contain only letters, digits and . _ : - (starting with a letter or digit)';
  return undefined;
}
