/**
 * One change of each object kind the schema model covers, made directly on a live database,
 * with the line `schema check --live` must print for it. Shared by the PostgreSQL 15 and the
 * embedded (PGlite) drift tests.
 */
export const DRIFT_CASES: [kind: string, sql: string, expected: string][] = [
  ['extension', `drop extension "uuid-ossp"`, 'extension uuid-ossp: in migrations, missing from live database'],
  ['schema', `create schema reporting`, 'schema reporting: in live database, not in migrations'],
  ['table', `create table scratch_notes (id int)`, 'table scratch_notes: in live database, not in migrations'],
  ['column default', `alter table leads alter column ai_score set default 0`, 'column leads.ai_score: default none → 0'],
  ['column nullability', `alter table leads alter column email set not null`, 'column leads.email: not_null false → true'],
  ['column identity', `alter table pii_access_log alter column id set generated always`, 'column pii_access_log.id: identity by default → always'],
  ['foreign key rule', `alter table leads drop constraint leads_practitioner_id_fkey,
     add constraint leads_practitioner_id_fkey foreign key (practitioner_id) references practitioners (id) on delete cascade`,
    'constraint leads.leads_practitioner_id_fkey: on_delete set null → cascade'],
  ['check constraint', `alter table treatment_plan_items drop constraint treatment_plan_items_quantity_check`, 'constraint treatment_plan_items.treatment_plan_items_quantity_check: in migrations, missing from live database'],
  ['exclusion constraint', `alter table sla_breaches add constraint sla_breaches_no_overlap exclude using gist (tstzrange(started_at, ended_at) with &&)`, 'constraint sla_breaches.sla_breaches_no_overlap: in live database'],
  ['deferrability', `alter table runbook_step_runs alter constraint runbook_step_runs_run_id_fkey deferrable initially deferred`, 'constraint runbook_step_runs.runbook_step_runs_run_id_fkey: deferrable false → true; initially_deferred false → true'],
  ['index', `drop index leads_phone_idx; create index leads_phone_idx on leads using hash (phone)`, 'index leads_phone_idx: method btree → hash'],
  ['view', `create view active_leads as select id, phone from leads where deleted_at is null`, 'view active_leads: in live database'],
  ['materialized view', `create materialized view lead_counts as select status, count(*) from leads group by status`, 'materialized view lead_counts: in live database'],
  ['trigger function', `create or replace function set_updated_at() returns trigger language plpgsql as $$ begin return new; end $$`, 'function set_updated_at(): body differs'],
  ['trigger', `alter table leads disable trigger leads_set_updated_at`, 'trigger leads.leads_set_updated_at: enabled enabled → disabled'],
  ['enum', `alter type lead_status add value 'paused'`, 'enum lead_status: values'],
  ['sequence', `alter sequence pii_access_log_id_seq increment by 2`, 'sequence pii_access_log_id_seq: increment 1 → 2'],
  ['row-level security', `alter table consent_records no force row level security`, 'table consent_records: rls_forced true → false'],
  ['policy', `drop policy consent_records_tenant_isolation on consent_records`, 'policy consent_records.consent_records_tenant_isolation: in migrations, missing from live database'],
  ['comment', `comment on table leads is 'patients and prospects'`, 'table leads: comment none → patients and prospects'],
  ['grant', `grant select on leads to public`, 'table leads: grants () → (PUBLIC:SELECT)'],
];
