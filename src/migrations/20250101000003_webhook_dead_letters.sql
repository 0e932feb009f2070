-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- Dead-letter queue for inbound webhooks that could not be processed.

CREATE TABLE webhook_dead_letters (
    id             uuid        NOT NULL DEFAULT gen_random_uuid(),
    webhook_type   text        NOT NULL,
    correlation_id text        NULL,
    payload        jsonb       NOT NULL,
    retry_count    integer     NOT NULL DEFAULT 0,
    max_retries    integer     NOT NULL DEFAULT 5,
    last_error     text        NULL,
    status         text        NOT NULL DEFAULT 'pending',
    next_retry_at  timestamptz NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    processed_at   timestamptz NULL,
    CONSTRAINT webhook_dead_letters_pkey PRIMARY KEY (id),
    CONSTRAINT webhook_dead_letters_webhook_type_check CHECK (webhook_type IN (
        'whatsapp', 'voice', 'vapi', 'stripe', 'hubspot', 'booking', 'crm'
    )),
    CONSTRAINT webhook_dead_letters_status_check CHECK (status IN (
        'pending', 'retrying', 'processed', 'failed', 'expired'
    )),
    CONSTRAINT webhook_dead_letters_retry_count_check CHECK (retry_count >= 0),
    CONSTRAINT webhook_dead_letters_max_retries_check CHECK (max_retries >= 0)
);

CREATE INDEX webhook_dead_letters_correlation_idx ON webhook_dead_letters (correlation_id);
CREATE INDEX webhook_dead_letters_status_next_retry_idx ON webhook_dead_letters (status, next_retry_at);

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
DROP INDEX webhook_dead_letters_status_next_retry_idx;
DROP INDEX webhook_dead_letters_correlation_idx;
DROP TABLE webhook_dead_letters;
