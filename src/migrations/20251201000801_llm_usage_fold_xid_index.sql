-- migrate:up transaction:false
-- The roll-up's tail (rows at or past the fold watermark) is found by this index, not by a scan of the
-- ledger; rows written before 20251201000800 (fold_xid NULL) are already folded and left out.
-- One statement per file: CONCURRENTLY (the table is live) cannot run inside the implicit
-- transaction of a multi-statement string, and dbmate sends a section as one string.
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction, require-statement-timeout
CREATE INDEX CONCURRENTLY IF NOT EXISTS llm_usage_logs_fold_xid_idx ON llm_usage_logs (fold_xid)
    WHERE fold_xid IS NOT NULL;

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS llm_usage_logs_fold_xid_idx;
