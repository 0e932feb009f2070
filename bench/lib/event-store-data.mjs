// A generated event store for the event-store benches: EVENTS_BENCH_ROWS events (default 10,000,000)
// with payloads of the platform's size and shape, 20 events per aggregate, snapshots at version 10
// for half the aggregates, and 20 projection checkpoints. Kept in EVENTS_BENCH_DB (default
// medicalcor_bench_events, with the row count appended when it is not 1,000,000) for the next run
// when the row count matches (--fresh regenerates).
//
// Loaded as a bulk load would be: the schema comes from the migrations, then domain_events' indexes,
// constraints and stream trigger are set aside, the events inserted by two sessions (one per core)
// in slices of generate_series, the indexes built afterwards (two at a time) and the constraints
// attached to them, and aggregate_streams filled in one statement, as the migration that added it
// does. The resulting schema is the migrations' own, checked against the catalog before and after.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const repo = fileURLToPath(new URL('../..', import.meta.url));
export const rows = Number(process.env.EVENTS_BENCH_ROWS ?? 10_000_000);
const dbName = process.env.EVENTS_BENCH_DB ?? `medicalcor_bench_events${rows === 1_000_000 ? '' : `_${rows}`}`;
const server = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
export const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
dbUrl.searchParams.set('sslmode', 'disable');

const TS = `'2026-11-20T10:00:00.000Z'`;
// nine types, LeadScored and LeadCreated partly at v1 (upcast on check), everything valid
const LEAD = `'leadId', 'lead-' || (i / 20)`;
const PAYLOAD = `
  case i % 9
    when 0 then jsonb_build_object(${LEAD},
                'contact', jsonb_build_object('phone', '+40722' || lpad((i % 1000000)::text, 6, '0'),
                  'email', 'lead' || i || '@example.com', 'name', 'Patient ' || i),
                'source', 'whatsapp',
                'campaign', jsonb_build_object('utmSource', 'facebook', 'utmCampaign', 'implant-2026'),
                'language', 'ro', 'createdAt', ${TS})
    when 1 then case when i % 100 = 1
                then jsonb_build_object(${LEAD}, 'score', i % 101, 'model', 'gpt-4o', 'scoredAt', ${TS})
                else jsonb_build_object(${LEAD}, 'score', i % 101, 'classification', 'WARM', 'confidence', 0.82,
                  'model', 'gpt-4o',
                  'reasoning', 'Asked about implant prices twice, wants an appointment next week, budget mentioned.',
                  'scoredAt', ${TS}) end
    when 2 then jsonb_build_object(${LEAD}, 'classification', 'HOT', 'qualifiedBy', 'ai',
                'reason', 'explicit booking intent', 'qualifiedAt', ${TS})
    when 3 then jsonb_build_object(${LEAD}, 'practitionerId', 'pr-' || (i % 40), 'assignedBy', 'round-robin',
                'reason', 'specialty', 'assignedAt', ${TS})
    when 4 then jsonb_build_object(${LEAD}, 'patientId', 'pat-' || i, 'treatmentPlanId', 'tp-' || i,
                'valueEur', 4200.5, 'convertedAt', ${TS})
    when 5 then jsonb_build_object(${LEAD}, 'reason', 'price', 'notes', 'chose a clinic closer to home',
                'lostAt', ${TS})
    when 6 then jsonb_build_object('subjectId', 'lead-' || (i / 20), 'consentType', 'marketing', 'granted', true,
                'channel', 'whatsapp', 'policyVersion', '2026.1', 'recordedAt', ${TS})
    when 7 then jsonb_build_object('appointmentId', 'ap-' || i, ${LEAD}, 'practitionerId', 'pr-' || (i % 40),
                'startsAt', ${TS}, 'durationMinutes', 60, 'procedure', 'implant consultation', 'clinicId', 'cl-3')
    else jsonb_build_object('messageId', 'msg-' || i, ${LEAD}, 'channel', 'whatsapp',
                'templateId', 'appointment_reminder_ro', 'status', 'delivered', 'sentAt', ${TS})
  end`;
const TYPES = [
  'LeadCreated',
  'LeadScored',
  'LeadQualified',
  'LeadAssigned',
  'LeadConverted',
  'LeadLost',
  'ConsentRecorded',
  'AppointmentScheduled',
  'MessageSent',
];
const TYPE = `(array[${TYPES.map((t) => `'${t}'`).join(', ')}])[1 + i % 9]`;
const VERSION = `case when i % 9 = 1 and i % 100 <> 1 then 2 when i % 9 = 0 then 2 else 1 end`;

const SLICE = 500_000;
const SESSIONS = 2;

// The indexes of domain_events with the constraint each backs, as the migrations left them.
async function eventIndexes(client) {
  const { rows: list } = await client.query(`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def,
           c.conname AS constraint_name, c.contype AS constraint_type
      FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
     WHERE i.indrelid = 'domain_events'::regclass
     ORDER BY 1`);
  return list;
}

async function connect() {
  const client = new pg.Client({ connectionString: dbUrl.toString() });
  await client.connect();
  return client;
}

// Runs the jobs on SESSIONS connections at once, each taking the next job when it is done.
async function onSessions(jobs, setup = []) {
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: Math.min(SESSIONS, queue.length) }, async () => {
      const client = await connect();
      for (const sql of setup) await client.query(sql);
      for (let job = queue.shift(); job; job = queue.shift()) await job(client);
      await client.end();
    }),
  );
}

async function isComplete() {
  const probe = await connect();
  try {
    const { rows: found } = await probe.query(`
      SELECT (SELECT coalesce(max(global_position), 0) FROM domain_events)::bigint::text AS head,
             (SELECT count(*) FROM projection_checkpoints)::int AS checkpoints`);
    return Number(found[0].head) === rows && found[0].checkpoints === 20;
  } catch {
    return false;
  } finally {
    await probe.end();
  }
}

export async function prepare({ fresh = process.argv.includes('--fresh') } = {}) {
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount > 0;
  if (exists && !fresh && (await isComplete())) {
    await admin.end();
    return false;
  }
  if (exists) await admin.query(`drop database ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const dbmate = `${repo}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
  const applied = spawnSync(dbmate, ['--migrations-dir', `${repo}src/migrations`, '--no-dump-schema', 'migrate'], {
    env: { DATABASE_URL: dbUrl.toString() },
    encoding: 'utf8',
  });
  if (applied.status !== 0) throw new Error(`dbmate failed: ${applied.stderr}`);
  const start = performance.now();
  const elapsed = () => `${((performance.now() - start) / 1000).toFixed(0)} s`;
  const client = await connect();
  const indexes = await eventIndexes(client);
  await client.query('ALTER TABLE domain_events DISABLE TRIGGER domain_events_aggregate_streams');
  for (const index of indexes.filter((i) => i.constraint_name))
    await client.query(`ALTER TABLE domain_events DROP CONSTRAINT ${index.constraint_name}`);
  for (const index of indexes.filter((i) => !i.constraint_name)) await client.query(`DROP INDEX ${index.name}`);

  const slices = [];
  for (let lo = 0; lo < rows; lo += SLICE) slices.push([lo, Math.min(rows, lo + SLICE)]);
  let loaded = 0;
  await onSessions(
    slices.map(([lo, hi]) => async (session) => {
      await session.query(`
        insert into domain_events (global_position, aggregate_id, aggregate_type, version, event_type, schema_version,
                                   payload, correlation_id, occurred_at)
        select i + 1, 'lead-' || (i / 20), 'Lead', (i % 20) + 1, ${TYPE}, ${VERSION}, ${PAYLOAD}, 'corr-' || (i / 20),
               now() - interval '30 days' + (i::float8 / ${rows}) * interval '30 days'
          from generate_series(${lo}, ${hi - 1}) as i`);
      loaded += hi - lo;
      if (process.stderr.isTTY || rows > 1_000_000)
        console.error(
          `  loaded ${loaded.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} events (${elapsed()})`,
        );
    }),
  );
  // every index from its own definition; a constraint's index is then attached to the constraint
  await onSessions(
    indexes.map((index) => async (session) => {
      await session.query(index.def);
      console.error(`  built ${index.name} (${elapsed()})`);
    }),
    ["SET maintenance_work_mem = '1GB'", 'SET max_parallel_maintenance_workers = 0'],
  );
  const kinds = { p: 'PRIMARY KEY', u: 'UNIQUE' };
  for (const index of indexes.filter((i) => i.constraint_name)) {
    if (!kinds[index.constraint_type]) throw new Error(`unexpected constraint ${index.constraint_name}`);
    await client.query(
      `ALTER TABLE domain_events ADD CONSTRAINT ${index.constraint_name} ${kinds[index.constraint_type]}
         USING INDEX ${index.name}`,
    );
  }
  const after = await eventIndexes(client);
  if (JSON.stringify(after) !== JSON.stringify(indexes))
    throw new Error('domain_events indexes differ from the migrations');
  await client.query('ALTER TABLE domain_events ENABLE TRIGGER domain_events_aggregate_streams');
  await client.query(`select setval(pg_get_serial_sequence('domain_events', 'global_position'), ${rows})`);
  // what the stream trigger would have kept: one row per aggregate with its newest version
  await client.query(`insert into aggregate_streams (aggregate_id, aggregate_type, version)
                      select aggregate_id, min(aggregate_type), max(version)
                        from domain_events group by aggregate_id`);
  await client.query(`insert into aggregate_snapshots (aggregate_id, aggregate_type, version, state)
                      select 'lead-' || a, 'Lead', 10, '{"status":"qualified"}'::jsonb
                        from generate_series(0, ${Math.ceil(rows / 20) - 1}, 2) a`);
  await client.query('vacuum analyze domain_events, aggregate_streams, aggregate_snapshots');
  await client.query(`insert into projection_checkpoints (projection_name, last_position, status)
                      select 'projection_' || p, ${rows} - p * 1000, case when p = 7 then 'paused' else 'active' end
                        from generate_series(0, 19) p`);
  await client.query('vacuum analyze projection_checkpoints');
  const size = (
    await client.query(
      `select pg_size_pretty(pg_total_relation_size('domain_events')) as s, avg(length(payload::text))::int as bytes
         from (select payload from domain_events limit 10000) x`,
    )
  ).rows[0];
  await client.end();
  console.log(
    `generated ${rows.toLocaleString('en-US')} events in ${((performance.now() - start) / 1000).toFixed(1)} s ` +
      `(domain_events ${size.s}, payload ~${size.bytes} bytes)`,
  );
  return true;
}
