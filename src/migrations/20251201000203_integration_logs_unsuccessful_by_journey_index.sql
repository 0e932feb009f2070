-- migrate:up transaction:false
-- trace ID: the verdict over a whole journey's integration calls. A partial index holding only failures: found without reading the journey's other
-- rows. The predicate is written exactly as src/core/journey/sources/*.ts writes it, so the
-- planner uses it. One statement per file: CONCURRENTLY (the table is live) cannot run inside
-- the implicit transaction of a multi-statement string, and dbmate sends a section as one string.
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction, require-statement-timeout
CREATE INDEX CONCURRENTLY IF NOT EXISTS integration_logs_unsuccessful_by_journey_idx ON integration_logs (correlation_id)
    WHERE status <> 'success';

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS integration_logs_unsuccessful_by_journey_idx;
