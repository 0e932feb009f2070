/** CLI hints for the domain error codes of `medicalcor projections`: code → what to run or pass next. */
export const projectionsHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'projections.not-found': (f) => {
    const known = Array.isArray(f.known) ? f.known : [];
    return known.length
      ? `Known projections: ${known.join(', ')} (see "medicalcor projections status").`
      : 'No projector has registered a checkpoint on this database (check --env / --database-url).';
  },
  'projections.rewind-forward': (f) =>
    `Pass --to a position at or before ${f.position}, or a time before the checkpoint's.`,
  'projections.rebuilding': (f) =>
    `Wait for it with "medicalcor projections status ${f.name}"; it turns active when caught up.`,
  'projections.failed': (f) =>
    `Fix the projector's error, then "medicalcor projections rebuild ${f.name}" or "medicalcor projections resume ` +
    `${f.name}".`,
  'projections.wait-timeout': (f) =>
    `The rebuild goes on; follow it with "medicalcor projections status ${f.name}" or wait longer with --timeout.`,
};
