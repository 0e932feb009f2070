/** CLI hints for the domain error codes of `medicalcor snapshots`: code → what to run or pass next. */
export const snapshotsHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'snapshots.bad-keep': () => 'Pass --keep 1 or more: the newest snapshot of an aggregate is always kept.',
};
