-- migrate:up transaction:false
-- trace ID: the verdict over a whole journey's events. A partial index holding only failures: found without reading the journey's other
-- rows. The predicate is written exactly as src/core/journey/sources/*.ts writes it, so the
-- planner uses it. One statement per file: CONCURRENTLY (the table is live) cannot run inside
-- the implicit transaction of a multi-statement string, and dbmate sends a section as one string.
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction, require-statement-timeout
CREATE INDEX CONCURRENTLY IF NOT EXISTS domain_events_failures_by_journey_idx ON domain_events (correlation_id, occurred_at)
    WHERE event_type ~* '(fail(ed|ure)?|error|rejected|timed_?out|dead_?lettered)$';

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS domain_events_failures_by_journey_idx;
