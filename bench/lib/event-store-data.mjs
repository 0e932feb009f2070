// A generated event store for the event-store benches: EVENTS_BENCH_ROWS events (default 1,000,000)
// with payloads of the platform's size and shape, 20 events per aggregate, snapshots at version 10
// for half the aggregates, and 20 projection checkpoints. Kept in EVENTS_BENCH_DB for the next run
// when the row count matches (--fresh regenerates).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const repo = fileURLToPath(new URL('../..', import.meta.url));
export const rows = Number(process.env.EVENTS_BENCH_ROWS ?? 1_000_000);
const dbName = process.env.EVENTS_BENCH_DB ?? 'medicalcor_bench_events';
const server = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
export const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
dbUrl.searchParams.set('sslmode', 'disable');

const TS = `'2026-11-20T10:00:00.000Z'`;
// nine types, LeadScored and LeadCreated partly at v1 (upcast on check), everything valid
const PAYLOAD = `
  case i % 9
    when 0 then jsonb_build_object('leadId', 'lead-' || (i / 20), 'contact', jsonb_build_object('phone', '+40722' || lpad((i % 1000000)::text, 6, '0'),
                'email', 'lead' || i || '@example.com', 'name', 'Patient ' || i), 'source', 'whatsapp',
                'campaign', jsonb_build_object('utmSource', 'facebook', 'utmCampaign', 'implant-2026'), 'language', 'ro', 'createdAt', ${TS})
    when 1 then case when i % 100 = 1 then jsonb_build_object('leadId', 'lead-' || (i / 20), 'score', i % 101, 'model', 'gpt-4o', 'scoredAt', ${TS})
                else jsonb_build_object('leadId', 'lead-' || (i / 20), 'score', i % 101, 'classification', 'WARM', 'confidence', 0.82, 'model', 'gpt-4o',
                'reasoning', 'Asked about implant prices twice, wants an appointment next week, budget mentioned.', 'scoredAt', ${TS}) end
    when 2 then jsonb_build_object('leadId', 'lead-' || (i / 20), 'classification', 'HOT', 'qualifiedBy', 'ai', 'reason', 'explicit booking intent', 'qualifiedAt', ${TS})
    when 3 then jsonb_build_object('leadId', 'lead-' || (i / 20), 'practitionerId', 'pr-' || (i % 40), 'assignedBy', 'round-robin', 'reason', 'specialty', 'assignedAt', ${TS})
    when 4 then jsonb_build_object('leadId', 'lead-' || (i / 20), 'patientId', 'pat-' || i, 'treatmentPlanId', 'tp-' || i, 'valueEur', 4200.5, 'convertedAt', ${TS})
    when 5 then jsonb_build_object('leadId', 'lead-' || (i / 20), 'reason', 'price', 'notes', 'chose a clinic closer to home', 'lostAt', ${TS})
    when 6 then jsonb_build_object('subjectId', 'lead-' || (i / 20), 'consentType', 'marketing', 'granted', true, 'channel', 'whatsapp', 'policyVersion', '2026.1', 'recordedAt', ${TS})
    when 7 then jsonb_build_object('appointmentId', 'ap-' || i, 'leadId', 'lead-' || (i / 20), 'practitionerId', 'pr-' || (i % 40), 'startsAt', ${TS},
                'durationMinutes', 60, 'procedure', 'implant consultation', 'clinicId', 'cl-3')
    else jsonb_build_object('messageId', 'msg-' || i, 'leadId', 'lead-' || (i / 20), 'channel', 'whatsapp', 'templateId', 'appointment_reminder_ro', 'status', 'delivered', 'sentAt', ${TS})
  end`;
const TYPE = `(array['LeadCreated','LeadScored','LeadQualified','LeadAssigned','LeadConverted','LeadLost','ConsentRecorded','AppointmentScheduled','MessageSent'])[1 + i % 9]`;
const VERSION = `case when i % 9 = 1 and i % 100 <> 1 then 2 when i % 9 = 0 then 2 else 1 end`;

export async function prepare({ fresh = process.argv.includes('--fresh') } = {}) {
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount > 0;
  if (exists && !fresh) {
    const probe = new pg.Client({ connectionString: dbUrl.toString() });
    await probe.connect();
    const count = await probe
      .query('select coalesce(max(global_position), 0)::int as n from domain_events')
      .catch(() => ({ rows: [{ n: -1 }] }));
    await probe.end();
    if (count.rows[0].n === rows) {
      await admin.end();
      return false;
    }
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
  const client = new pg.Client({ connectionString: dbUrl.toString() });
  await client.connect();
  const start = performance.now();
  // in slices of 250k so one statement's transition table stays modest
  for (let lo = 0; lo < rows; lo += 250_000) {
    const hi = Math.min(rows, lo + 250_000);
    await client.query(`
      insert into domain_events (global_position, aggregate_id, aggregate_type, version, event_type, schema_version, payload, correlation_id, occurred_at)
      select i + 1, 'lead-' || (i / 20), 'Lead', (i % 20) + 1, ${TYPE}, ${VERSION}, ${PAYLOAD}, 'corr-' || (i / 20),
             now() - interval '30 days' + (i::float8 / ${rows}) * interval '30 days'
        from generate_series(${lo}, ${hi - 1}) as i`);
  }
  await client.query(`select setval(pg_get_serial_sequence('domain_events', 'global_position'), ${rows})`);
  await client.query(`insert into aggregate_snapshots (aggregate_id, aggregate_type, version, state)
                      select 'lead-' || a, 'Lead', 10, '{"status":"qualified"}'::jsonb from generate_series(0, ${Math.ceil(rows / 20) - 1}, 2) a`);
  await client.query(`insert into projection_checkpoints (projection_name, last_position, status)
                      select 'projection_' || p, ${rows} - p * 1000, case when p = 7 then 'paused' else 'active' end from generate_series(0, 19) p`);
  await client.query('vacuum analyze domain_events, aggregate_streams, aggregate_snapshots, projection_checkpoints');
  const size = (
    await client.query(
      `select pg_size_pretty(pg_total_relation_size('domain_events')) as s, avg(length(payload::text))::int as bytes from (select payload from domain_events limit 10000) x`,
    )
  ).rows[0];
  await client.end();
  console.log(
    `generated ${rows.toLocaleString('en-US')} events in ${((performance.now() - start) / 1000).toFixed(1)} s (domain_events ${size.s}, payload ~${size.bytes} bytes)`,
  );
  return true;
}
