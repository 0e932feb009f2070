/**
 * One change of each object kind the schema model covers, made directly on a live database,
 * with the line `schema check --live` must print for it. Shared by the PostgreSQL 15 and the
 * embedded (PGlite) drift tests.
 */
export const DRIFT_CASES: [kind: string, sql: string, expected: string][] = [
  ['extension', `drop extension "uuid-ossp"`, 'extension uuid-ossp: in migrations, missing from live database'],
  ['schema', `create schema reporting`, 'schema reporting: in live database, not in migrations'],
  ['table', `create table scratch_notes (id int)`, 'table scratch_notes: in live database, not in migrations'],
  [
    'column default',
    `alter table leads alter column ai_score set default 0`,
    'column leads.ai_score: default none → 0',
  ],
  [
    'column nullability',
    `alter table leads alter column email set not null`,
    'column leads.email: not_null false → true',
  ],
  [
    'column identity',
    `alter table pii_access_log alter column id set generated always`,
    'column pii_access_log.id: identity by default → always',
  ],
  [
    'foreign key rule',
    `alter table leads drop constraint leads_practitioner_id_fkey,
     add constraint leads_practitioner_id_fkey foreign key (practitioner_id) references practitioners (id) on delete
         cascade`,
    'constraint leads.leads_practitioner_id_fkey: on_delete set null → cascade',
  ],
  [
    'check constraint',
    `alter table treatment_plan_items drop constraint treatment_plan_items_quantity_check`,
    'constraint treatment_plan_items.treatment_plan_items_quantity_check: in migrations, missing from live database',
  ],
  [
    'exclusion constraint',
    'alter table sla_breaches add constraint sla_breaches_no_overlap exclude using gist (tstzrange(started_at, ' +
      'ended_at) with &&)',
    'constraint sla_breaches.sla_breaches_no_overlap: in live database',
  ],
  [
    'deferrability',
    `alter table runbook_step_runs alter constraint runbook_step_runs_run_id_fkey deferrable initially deferred`,
    'constraint runbook_step_runs.runbook_step_runs_run_id_fkey: deferrable false → true; initially_deferred false → ' +
      'true',
  ],
  [
    'index',
    `drop index leads_phone_idx; create index leads_phone_idx on leads using hash (phone)`,
    'index leads_phone_idx: method btree → hash',
  ],
  [
    'view',
    `create view active_leads as select id, phone from leads where deleted_at is null`,
    'view active_leads: in live database',
  ],
  [
    'materialized view',
    `create materialized view lead_counts as select status, count(*) from leads group by status`,
    'materialized view lead_counts: in live database',
  ],
  [
    'trigger function',
    `create or replace function set_updated_at() returns trigger language plpgsql as $$ begin return new; end $$`,
    'function set_updated_at(): body differs',
  ],
  [
    'trigger',
    `alter table leads disable trigger leads_set_updated_at`,
    'trigger leads.leads_set_updated_at: enabled enabled → disabled',
  ],
  ['enum', `alter type lead_status add value 'paused'`, 'enum lead_status: values'],
  [
    'sequence',
    `alter sequence pii_access_log_id_seq increment by 2`,
    'sequence pii_access_log_id_seq: increment 1 → 2',
  ],
  [
    'row-level security',
    `alter table consent_records no force row level security`,
    'table consent_records: rls_forced true → false',
  ],
  [
    'policy',
    `drop policy consent_records_tenant_isolation on consent_records`,
    'policy consent_records.consent_records_tenant_isolation: in migrations, missing from live database',
  ],
  [
    'comment',
    `comment on table leads is 'patients and prospects'`,
    'table leads: comment none → patients and prospects',
  ],
  ['grant', `grant select on leads to public`, 'table leads: grants () → (PUBLIC:SELECT)'],
  [
    'domain',
    `create domain phone_e164 as text constraint phone_e164_check check (value ~ '^[+][0-9]+$')`,
    'domain phone_e164: in live database',
  ],
  ['composite type', `create type lead_ref as (id uuid, full_name text)`, 'composite type lead_ref: in live database'],
  ['collation', `create collation lead_names from "C"`, 'collation lead_names: in live database'],
  ['cast', `create cast (lead_status as text) with inout as implicit`, 'cast (lead_status AS text): in live database'],
  [
    'operator',
    `create operator ### (leftarg = text, rightarg = text, function = textcat)`,
    'operator ###(text, text): in live database',
  ],
  ['publication', `create publication leads_changes for table leads`, 'publication leads_changes: in live database'],
  [
    'replica identity',
    `alter table practitioners replica identity full`,
    'table practitioners: replica_identity none → full',
  ],
  [
    'column storage',
    `alter table leads alter column full_name set storage external`,
    'column leads.full_name: storage none → external',
  ],
  [
    'column compression',
    `alter table leads alter column source set compression pglz`,
    'column leads.source: compression none → pglz',
  ],
  [
    'column statistics',
    `alter table leads alter column phone set statistics 1000`,
    'column leads.phone: statistics none → 1000',
  ],
  [
    'rule',
    `create rule practitioners_no_delete as on delete to practitioners do instead nothing`,
    'rule practitioners.practitioners_no_delete: in live database',
  ],
  [
    'extended statistics',
    `create statistics leads_status_practitioner (dependencies) on status, practitioner_id from leads`,
    'statistics leads_status_practitioner: in live database',
  ],
  [
    'event trigger',
    `create function log_ddl() returns event_trigger language plpgsql as $$ begin end $$;
     create event trigger log_ddl on ddl_command_end execute function log_ddl()`,
    'event trigger log_ddl: in live database',
  ],
  [
    'foreign table',
    `create foreign data wrapper archive_fdw; create server archive foreign data wrapper archive_fdw;
     create foreign table archived_leads (id uuid, phone text) server archive options (table_name 'leads')`,
    'foreign table archived_leads: in live database',
  ],
  // what a failed CREATE INDEX CONCURRENTLY leaves behind
  [
    'index validity',
    `update pg_index set indisvalid = false where indexrelid = 'leads_correlation_idx'::regclass`,
    'index leads_correlation_idx: valid none → false',
  ],
];

/**
 * A migration holding one object of every kind the model covers beyond the shipped schema, added
 * to a copy of the migrations by the tests: PostgreSQL 15 and PGlite (18) must read it the same.
 */
export const EVERY_KIND_MIGRATION = `-- migrate:up
CREATE COLLATION case_c FROM "C";
CREATE DOMAIN positive_amount AS numeric(12, 2) NOT NULL DEFAULT 0 CONSTRAINT positive_amount_check CHECK (VALUE >= 0);
CREATE TYPE postal_address AS (street text, city text COLLATE case_c, zip varchar(10));
CREATE TABLE kinds_demo (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  amount positive_amount,
  address postal_address,
  note text,
  code int
);
ALTER TABLE kinds_demo REPLICA IDENTITY FULL;
ALTER TABLE kinds_demo ALTER COLUMN note SET STORAGE EXTERNAL, ALTER COLUMN note SET COMPRESSION pglz,
  ALTER COLUMN code SET STATISTICS 500;
CREATE RULE kinds_demo_no_delete AS ON DELETE TO kinds_demo DO INSTEAD NOTHING;
CREATE STATISTICS kinds_demo_stats (dependencies, ndistinct) ON id, code FROM kinds_demo;
CREATE PUBLICATION kinds_demo_pub FOR TABLE kinds_demo WITH (publish = 'insert, update');
CREATE FUNCTION postal_address_text(postal_address) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT ($1).street || ', ' || ($1).city $$;
CREATE CAST (postal_address AS text) WITH FUNCTION postal_address_text(postal_address);
CREATE FUNCTION postal_address_same(postal_address, postal_address) RETURNS boolean LANGUAGE sql IMMUTABLE
  AS $$ SELECT ($1).zip = ($2).zip $$;
CREATE OPERATOR ~= (LEFTARG = postal_address, RIGHTARG = postal_address, FUNCTION = postal_address_same, COMMUTATOR =
    ~=);
CREATE FUNCTION kinds_demo_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER kinds_demo_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION kinds_demo_ddl();
CREATE FOREIGN DATA WRAPPER kinds_demo_fdw;
CREATE SERVER kinds_demo_server FOREIGN DATA WRAPPER kinds_demo_fdw OPTIONS (host 'archive.internal');
CREATE FOREIGN TABLE kinds_demo_archive (id bigint OPTIONS (column_name 'ID'), note text NOT NULL)
  SERVER kinds_demo_server OPTIONS (table_name 'archive');

-- migrate:down
DROP FOREIGN TABLE kinds_demo_archive;
DROP SERVER kinds_demo_server;
DROP FOREIGN DATA WRAPPER kinds_demo_fdw;
DROP EVENT TRIGGER kinds_demo_ddl;
DROP FUNCTION kinds_demo_ddl();
DROP OPERATOR ~= (postal_address, postal_address);
DROP FUNCTION postal_address_same(postal_address, postal_address);
DROP CAST (postal_address AS text);
DROP FUNCTION postal_address_text(postal_address);
DROP PUBLICATION kinds_demo_pub;
DROP TABLE kinds_demo;
DROP TYPE postal_address;
DROP DOMAIN positive_amount;
DROP COLLATION case_c;
`;
