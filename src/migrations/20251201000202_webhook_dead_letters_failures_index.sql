-- migrate:up transaction:false
-- trace --failed: dead letters not (yet) processed, of a time window. A partial index holding only failures: found without reading the journey's other
-- rows. The predicate is written exactly as src/core/journey/sources/*.ts writes it, so the
-- planner uses it. One statement per file: CONCURRENTLY (the table is live) cannot run inside
-- the implicit transaction of a multi-statement string, and dbmate sends a section as one string.
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction, require-statement-timeout
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_dead_letters_failures_idx ON webhook_dead_letters (created_at)
    WHERE status <> 'processed' AND correlation_id IS NOT NULL;

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS webhook_dead_letters_failures_idx;
