import pg from 'pg';
import { checkStoredEvents, platformEvents } from './dist/core/index.js';
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/mc_ev_dbg', max: 4 });
const reg = platformEvents();
for (let k = 0; k < 2; k++) {
  let t = performance.now();
  const c = await pool.connect();
  let pos = 0, n = 0;
  for (;;) { const r = await c.query({ text: 'SELECT e.global_position::text, e.id, e.event_type, e.schema_version, e.payload FROM domain_events e WHERE e.global_position > $1 ORDER BY e.global_position LIMIT 5000', values: [pos], rowMode: 'array' }); if (!r.rows.length) break; n += r.rows.length; pos = Number(r.rows.at(-1)[0]); }
  c.release();
  console.log('fetch only', n, Math.round(n / ((performance.now() - t) / 1000)));
  t = performance.now();
  const rep = await checkStoredEvents(pool, reg, {});
  console.log('check', rep.scanned, Math.round(rep.scanned / ((performance.now() - t) / 1000)));
}
await pool.end();
