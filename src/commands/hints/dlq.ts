/** CLI hints for the domain error codes of `medicalcor dlq`: code → what to run or pass next. */
export const dlqHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'dlq.no-replay-endpoint': (f) =>
    `Set apiBaseUrl (or dlqReplayUrl) for environment "${f.environment}" in medicalcor.config.yaml, ` +
    'or MEDICALCOR_API_URL.',
  'dlq.replay-token-unset': (f) =>
    `Export ${f.variable} (the replay endpoint's token) and run again; without --execute the replay is a dry run.`,
  'dlq.unknown-type': (f) => `Pass --type one of: ${(f.known as string[]).join(', ')}.`,
  'dlq.unknown-status': (f) => `Pass --status one of: ${(f.known as string[]).join(', ')}.`,
  'dlq.not-found': () => 'List the dead letters with "medicalcor dlq list".',
  'dlq.discard-final': () =>
    'Leave processed and discarded letters out; ' +
    '"medicalcor dlq list --status pending,retrying,failed,expired" shows the others.',
  'dlq.bad-id': () => 'Dead letter ids are UUIDs, as "medicalcor dlq list" shows them.',
};
