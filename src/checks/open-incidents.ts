import { listIncidents } from '../core/incidents/index.js';
import { fail, pass, type Check } from './types.js';

/** An open P1 or P2 means the environment is in an incident: readiness says so, with who leads it. */
export const openIncidentsCheck: Check = {
  id: 'open-incidents',
  title: 'No open P1/P2 incident',
  required: false,
  async run(ctx) {
    const db = await ctx.database();
    const open = await listIncidents(db.pool, {
      open: true,
      environment: ctx.config.envName,
      severities: ['P1', 'P2'],
    });
    if (open.length === 0) return pass('no P1 or P2 incident is open on this environment');
    const listed = open.map(
      (i) => `${i.ref} ${i.severity} ${i.status} "${i.title}"${i.commander ? ` (${i.commander})` : ''}`,
    );
    return fail(
      `${open.length} open: ${listed.join('; ')}`,
      `See "medicalcor incident show ${open[0]!.ref}" for the timeline.`,
    );
  },
};
