/** CLI hints for the domain error codes of `medicalcor events`: code → what to run or pass next. */
export const eventsHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'events.check-timeout': (f) =>
    `Resume with --after ${f.after} and a smaller --batch-size or a longer --statement-timeout.`,
  'events.registry-file-invalid': () =>
    'Write the file with "medicalcor events schemas --export FILE" on the proposed branch, ' +
    'or give an ES module exporting "registry".',
  'events.registry-file-unreadable': () =>
    'Check the path; --against-registry takes a .json file or an ES module (.mjs/.js).',
};
