/** CLI hints for the domain error codes of `medicalcor runbook`: code → what to run or pass next. */
export const runbookHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'runbook.running': (f) =>
    `Nothing was run. Wait for it ("medicalcor runbook history ${f.runbookId}"), or pass --lock-timeout SECONDS to ` +
    'wait for it.',
  'runbook.still-running': (f) =>
    `Watch it with "medicalcor runbook history --run ${f.runId}"; if its runner died, resume once its lease runs out.`,
  'runbook.in-flight-unknown': (f) =>
    `Check whether step ${Number(f.stepIndex) + 1} "${f.stepId}" completed, then run "medicalcor runbook resume ` +
    `${f.runId} --in-flight done" ` +
    '(it completed: continue after it) or "--in-flight not-done" (run it again); on a terminal you are asked.',
  'runbook.run-not-found': () => 'List runs with "medicalcor runbook history".',
  'runbook.run-other-environment': (f) => `Pass --env ${f.environment}.`,
  'runbook.run-of-other-runbook': (f) => `Resume it with "medicalcor runbook resume ${f.runId}".`,
  'runbook.resume-sensitive': (f) => `Start a new run with "medicalcor runbook run ${f.runbookId} --execute".`,
  'runbook.resume-rolled-back': (f) => `Start again with "medicalcor runbook run ${f.runbookId} --execute".`,
  'runbook.resume-rollback-failed': (f) => `Inspect "medicalcor runbook history --run ${f.runId}" and repair by hand.`,
  'runbook.changed': (f) =>
    `Resuming could skip or repeat the wrong step; start a new run with "medicalcor runbook run ${f.runbookId}".`,
  'runbook.not-found': () => 'List them with "medicalcor runbook list".',
  'runbook.bad-id': () => 'List them with "medicalcor runbook list".',
  'runbook.missing-parameter': (f) => `Pass it as --param ${f.parameter}=VALUE.`,
  'runbook.invalid-file': () => 'Fix the file; "medicalcor runbook validate FILE" checks it.',
  'runbook.alert-not-json': () => 'Pass the AlertManager webhook body (JSON) as a file, or on stdin with "-".',
  'runbook.bad-new-id': () => 'For example: medicalcor runbook new redis-memory-high',
  'runbook.render': () => "Nothing was run. Check the parameters (--param) and the environment's settings.",
};
