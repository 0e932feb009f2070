-- migrate:up transaction:false
-- Reconcile reads the few rows whose reservation was in flight or came after its snapshot.
CREATE INDEX CONCURRENTLY IF NOT EXISTS llm_usage_logs_budget_seq_idx ON llm_usage_logs (budget_seq) WHERE budget_seq IS NOT NULL;

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS llm_usage_logs_budget_seq_idx;
