-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- A real runbook run holds a lease: its row names the runner (host, pid) and is kept alive by a
-- heartbeat; a runner that died (pid gone on its host, or heartbeat expired) is taken over.

ALTER TABLE runbook_runs
    ADD COLUMN holder_host         text        NULL,
    ADD COLUMN holder_pid          bigint      NULL,
    ADD COLUMN heartbeat_at        timestamptz NULL,
    ADD COLUMN lease_expires_at    timestamptz NULL,
    ADD COLUMN rollback_on_failure boolean     NOT NULL DEFAULT true;

COMMENT ON COLUMN runbook_runs.lease_expires_at IS 'A running run whose lease expired has lost its runner.';
COMMENT ON COLUMN runbook_runs.rollback_on_failure IS 'false for --no-rollback; a resumed run keeps it.';

-- The automatic undo of a completed mutating step (scale back to N), so a resumed run can undo it.
ALTER TABLE runbook_step_runs ADD COLUMN undo jsonb NULL;

-- The lease itself: at most one running run per runbook and environment, enforced by the
-- database (a second runner's insert fails, whatever it believed). Older duplicates left by the
-- session-lock era are closed first.
UPDATE runbook_runs r
   SET status = 'interrupted', finished_at = greatest(now(), r.started_at),
       error = coalesce(r.error, 'the process ended without finishing the run')
 WHERE r.status = 'running'
   AND EXISTS (SELECT 1 FROM runbook_runs newer
                WHERE newer.runbook_id = r.runbook_id AND newer.environment = r.environment
                  AND newer.status = 'running' AND newer.started_at > r.started_at);

-- runbook_runs is an operations table of a few rows per incident: a plain build holds its write
-- lock for milliseconds, and keeps this migration in one transaction with the update above.
-- squawk-ignore require-concurrent-index-creation
CREATE UNIQUE INDEX runbook_runs_running_key ON runbook_runs (runbook_id, environment) WHERE status = 'running';

-- migrate:down
SET LOCAL lock_timeout = '5s';
DROP INDEX runbook_runs_running_key;
ALTER TABLE runbook_step_runs DROP COLUMN undo;
ALTER TABLE runbook_runs
    DROP COLUMN rollback_on_failure,
    DROP COLUMN lease_expires_at,
    DROP COLUMN heartbeat_at,
    DROP COLUMN holder_pid,
    DROP COLUMN holder_host;
