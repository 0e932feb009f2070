-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- Validates the widened DLQ status check in its own transaction (takes only a SHARE UPDATE EXCLUSIVE lock).
ALTER TABLE webhook_dead_letters VALIDATE CONSTRAINT webhook_dead_letters_status_check;

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
ALTER TABLE webhook_dead_letters DROP CONSTRAINT webhook_dead_letters_status_check;
ALTER TABLE webhook_dead_letters ADD CONSTRAINT webhook_dead_letters_status_check CHECK (status IN (
    'pending', 'retrying', 'processed', 'failed', 'expired', 'discarded'
)) NOT VALID;
