/** CLI hints for the domain error codes of `medicalcor sla`: code → what to run or pass next. */
export const slaHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'sla.catalogue-missing': () => 'Point --catalog (or slaCatalog in medicalcor.config.yaml) at a catalogue file.',
  'sla.catalogue-invalid': (facts) =>
    `Fix ${facts.key ? `"${String(facts.key)}"` : 'the catalogue'}` +
    `${facts.sla ? ` of SLA ${String(facts.sla)}` : ''}; ` +
    'check it with "medicalcor sla list --catalog FILE" (fields: docs/sla.md).',
};
