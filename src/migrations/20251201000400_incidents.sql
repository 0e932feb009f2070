-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- Incidents: one record per incident (severity, status, commander, services) and its timeline of
-- alerts, status changes, notes and every action medicalcor took while it was active. The timeline
-- is append-only, like the consent audit log: a postmortem must rest on what really happened.

CREATE TABLE incidents (
    id              bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    title           text        NOT NULL,
    severity        text        NOT NULL,
    status          text        NOT NULL DEFAULT 'triggered',
    commander       text        NULL,
    services        text[]      NOT NULL DEFAULT '{}',
    environment     text        NOT NULL,
    fingerprint     text        NULL,
    summary         text        NULL,
    impact_started_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz NULL,
    identified_at   timestamptz NULL,
    resolved_at     timestamptz NULL,
    created_by      text        NOT NULL,
    CONSTRAINT incidents_pkey PRIMARY KEY (id),
    CONSTRAINT incidents_severity_check CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
    CONSTRAINT incidents_status_check CHECK (status IN (
        'triggered', 'acknowledged', 'investigating', 'identified', 'monitoring', 'resolved'
    )),
    CONSTRAINT incidents_resolved_consistent_check CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
    CONSTRAINT incidents_title_check CHECK (length(title) BETWEEN 1 AND 200)
);

-- one open incident per alert group: a re-fired alert appends to it instead of opening another
CREATE UNIQUE INDEX incidents_open_fingerprint_key ON incidents (environment, fingerprint)
    WHERE fingerprint IS NOT NULL AND resolved_at IS NULL;
CREATE INDEX incidents_created_idx ON incidents (created_at DESC);
CREATE INDEX incidents_open_idx ON incidents (severity) WHERE resolved_at IS NULL;

CREATE TABLE incident_timeline (
    id          bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    incident_id bigint      NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    kind        text        NOT NULL,
    actor       text        NOT NULL,
    text        text        NOT NULL,
    ref         text        NULL,
    facts       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT incident_timeline_pkey PRIMARY KEY (id),
    CONSTRAINT incident_timeline_incident_id_fkey FOREIGN KEY (incident_id)
        REFERENCES incidents (id) ON DELETE RESTRICT,
    CONSTRAINT incident_timeline_kind_check CHECK (kind IN (
        'opened', 'alert', 'alert_resolved', 'status', 'assign', 'note', 'action', 'resolved', 'reopened'
    ))
);

CREATE INDEX incident_timeline_incident_idx ON incident_timeline (incident_id, occurred_at, id);

CREATE FUNCTION prevent_incident_timeline_modification() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'incident_timeline is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

COMMENT ON FUNCTION prevent_incident_timeline_modification() IS
    'Trigger function making incident_timeline append-only (rejects UPDATE, DELETE and TRUNCATE).';

CREATE TRIGGER incident_timeline_append_only
    BEFORE UPDATE OR DELETE ON incident_timeline
    FOR EACH ROW EXECUTE FUNCTION prevent_incident_timeline_modification();

CREATE TRIGGER incident_timeline_no_truncate
    BEFORE TRUNCATE ON incident_timeline
    FOR EACH STATEMENT EXECUTE FUNCTION prevent_incident_timeline_modification();

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
DROP TRIGGER incident_timeline_no_truncate ON incident_timeline;
DROP TRIGGER incident_timeline_append_only ON incident_timeline;
DROP FUNCTION prevent_incident_timeline_modification();
DROP INDEX incident_timeline_incident_idx;
DROP TABLE incident_timeline;
DROP INDEX incidents_open_idx;
DROP INDEX incidents_created_idx;
DROP INDEX incidents_open_fingerprint_key;
DROP TABLE incidents;
