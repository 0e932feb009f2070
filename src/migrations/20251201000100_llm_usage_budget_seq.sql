-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- The budget reservation a ledger row settled (Redis-issued, growing with time): `budget reconcile`
-- tells rows written before its snapshot of the counters from rows written after it, so a repair on
-- a live system moves a counter only by a real difference. NULL: written while Redis was unreachable.
ALTER TABLE llm_usage_logs ADD COLUMN budget_seq bigint NULL;

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
ALTER TABLE llm_usage_logs DROP COLUMN budget_seq;
