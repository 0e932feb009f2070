/** CLI hints for the domain error codes of `medicalcor sagas`: code → what to run or pass next. */
export const sagasHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'sagas.unknown-status': (f) => `Pass --status one of: ${(f.known as readonly string[]).join(', ')} (or --stuck).`,
  'sagas.not-found': () => 'List them with "medicalcor sagas list" (or "medicalcor sagas list --stuck").',
  'sagas.bad-id': () => 'Saga ids are UUIDs, as "medicalcor sagas list" shows them.',
};
