-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- Operator actions on the event store (projection rebuild/rewind/pause/resume, DLQ replay/discard),
-- what a rebuild waits for, a discarded DLQ status, and the per-aggregate stream heads that
-- `snapshots status` reads instead of grouping every event.

CREATE TABLE event_store_operations (
    id          bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    operation   text        NOT NULL,
    target      text        NOT NULL,
    actor       text        NOT NULL,
    environment text        NOT NULL,
    outcome     text        NOT NULL,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_store_operations_pkey PRIMARY KEY (id),
    CONSTRAINT event_store_operations_outcome_check CHECK (outcome IN ('succeeded', 'failed', 'skipped'))
);

CREATE INDEX event_store_operations_target_idx ON event_store_operations (target, at);

ALTER TABLE projection_checkpoints ADD COLUMN rebuild_target_position bigint NULL;
ALTER TABLE projection_checkpoints ADD COLUMN rebuild_started_at timestamptz NULL;

ALTER TABLE webhook_dead_letters DROP CONSTRAINT webhook_dead_letters_status_check;
ALTER TABLE webhook_dead_letters ADD CONSTRAINT webhook_dead_letters_status_check CHECK (status IN (
    'pending', 'retrying', 'processed', 'failed', 'expired', 'discarded'
)) NOT VALID;

-- One row per aggregate: its newest event version and its newest snapshot version, kept in step by
-- statement-level triggers in the appending transaction.
CREATE TABLE aggregate_streams (
    aggregate_id     text    NOT NULL,
    aggregate_type   text    NOT NULL,
    version          integer NOT NULL,
    snapshot_version integer NOT NULL DEFAULT 0,
    CONSTRAINT aggregate_streams_pkey PRIMARY KEY (aggregate_id)
);

CREATE INDEX aggregate_streams_since_snapshot_idx ON aggregate_streams (aggregate_type, (version - snapshot_version));

CREATE FUNCTION aggregate_streams_on_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO aggregate_streams AS s (aggregate_id, aggregate_type, version)
    SELECT n.aggregate_id, min(n.aggregate_type), max(n.version)
    FROM new_rows n
    GROUP BY n.aggregate_id
    ORDER BY n.aggregate_id
    ON CONFLICT (aggregate_id) DO UPDATE SET version = greatest(s.version, excluded.version);
    RETURN NULL;
END;
$$;

CREATE FUNCTION aggregate_streams_on_snapshots() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO aggregate_streams AS s (aggregate_id, aggregate_type, version, snapshot_version)
        SELECT n.aggregate_id, min(n.aggregate_type), max(n.version), max(n.version)
        FROM new_rows n
        GROUP BY n.aggregate_id
        ORDER BY n.aggregate_id
        ON CONFLICT (aggregate_id) DO UPDATE SET snapshot_version = greatest(s.snapshot_version, excluded.snapshot_version);
    ELSE
        UPDATE aggregate_streams s
           SET snapshot_version = coalesce((SELECT max(a.version) FROM aggregate_snapshots a WHERE a.aggregate_id = s.aggregate_id), 0)
         WHERE s.aggregate_id IN (SELECT o.aggregate_id FROM old_rows o);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER domain_events_aggregate_streams
    AFTER INSERT ON domain_events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION aggregate_streams_on_events();

CREATE TRIGGER aggregate_snapshots_streams_insert
    AFTER INSERT ON aggregate_snapshots
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION aggregate_streams_on_snapshots();

CREATE TRIGGER aggregate_snapshots_streams_delete
    AFTER DELETE ON aggregate_snapshots
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION aggregate_streams_on_snapshots();

INSERT INTO aggregate_streams (aggregate_id, aggregate_type, version)
SELECT aggregate_id, min(aggregate_type), max(version) FROM domain_events GROUP BY aggregate_id;

UPDATE aggregate_streams s SET snapshot_version = a.version
  FROM (SELECT aggregate_id, max(version) AS version FROM aggregate_snapshots GROUP BY aggregate_id) a
 WHERE a.aggregate_id = s.aggregate_id;

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
DROP TRIGGER aggregate_snapshots_streams_delete ON aggregate_snapshots;
DROP TRIGGER aggregate_snapshots_streams_insert ON aggregate_snapshots;
DROP TRIGGER domain_events_aggregate_streams ON domain_events;
DROP FUNCTION aggregate_streams_on_snapshots();
DROP FUNCTION aggregate_streams_on_events();
DROP TABLE aggregate_streams;
UPDATE webhook_dead_letters SET status = 'expired' WHERE status = 'discarded';
ALTER TABLE webhook_dead_letters DROP CONSTRAINT webhook_dead_letters_status_check;
ALTER TABLE webhook_dead_letters ADD CONSTRAINT webhook_dead_letters_status_check CHECK (status IN (
    'pending', 'retrying', 'processed', 'failed', 'expired'
)) NOT VALID;
ALTER TABLE webhook_dead_letters VALIDATE CONSTRAINT webhook_dead_letters_status_check;
ALTER TABLE projection_checkpoints DROP COLUMN rebuild_started_at;
ALTER TABLE projection_checkpoints DROP COLUMN rebuild_target_position;
DROP INDEX event_store_operations_target_idx;
DROP TABLE event_store_operations;
