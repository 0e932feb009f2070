/** CLI hints for the domain error codes of `medicalcor incident`: code → what to run or pass next. */
export const incidentHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'incident.not-found': (facts) => {
    const recent = (facts.recent as { ref: string; title: string; status: string }[] | undefined) ?? [];
    return recent.length
      ? `Recent incidents: ${recent.map((i) => `${i.ref} (${i.status}) ${i.title}`).join('; ')}.`
      : 'There are no incidents on this environment yet ("medicalcor incident list").';
  },
  'incident.resolved': (facts) =>
    `To act on it again, reopen it: medicalcor incident status ${String(facts.ref)} investigating --reopen`,
  'incident.no-summary': () => 'Pass --summary "what happened and what fixed it".',
};
