-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- Daily roll-up of llm_usage_logs (UTC days), kept in step by statement-level triggers in the same
-- transaction as the ledger rows, so `budget status` reads thousands of rows instead of millions.

CREATE TABLE llm_usage_daily (
    day           date          NOT NULL,
    tenant_key    text          NOT NULL,
    provider      text          NOT NULL,
    model         text          NOT NULL,
    operation     text          NOT NULL,
    calls         bigint        NOT NULL DEFAULT 0,
    input_tokens  bigint        NOT NULL DEFAULT 0,
    output_tokens bigint        NOT NULL DEFAULT 0,
    cached_tokens bigint        NOT NULL DEFAULT 0,
    cost_usd      numeric(18,6) NOT NULL DEFAULT 0,
    CONSTRAINT llm_usage_daily_pkey PRIMARY KEY (day, tenant_key, provider, model, operation)
);

COMMENT ON COLUMN llm_usage_daily.tenant_key IS 'tenant_id, or the empty string for calls without a tenant.';

CREATE FUNCTION llm_usage_daily_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO llm_usage_daily AS d (day, tenant_key, provider, model, operation, calls, input_tokens, output_tokens, cached_tokens, cost_usd)
        SELECT (o.occurred_at AT TIME ZONE 'UTC')::date, coalesce(o.tenant_id, ''), o.provider, o.model, o.operation,
               -count(*), -sum(o.input_tokens), -sum(o.output_tokens), -sum(o.cached_tokens), -sum(o.cost_usd)
        FROM old_rows o
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (day, tenant_key, provider, model, operation) DO UPDATE SET
            calls = d.calls + excluded.calls,
            input_tokens = d.input_tokens + excluded.input_tokens,
            output_tokens = d.output_tokens + excluded.output_tokens,
            cached_tokens = d.cached_tokens + excluded.cached_tokens,
            cost_usd = d.cost_usd + excluded.cost_usd;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO llm_usage_daily AS d (day, tenant_key, provider, model, operation, calls, input_tokens, output_tokens, cached_tokens, cost_usd)
        SELECT (n.occurred_at AT TIME ZONE 'UTC')::date, coalesce(n.tenant_id, ''), n.provider, n.model, n.operation,
               count(*), sum(n.input_tokens), sum(n.output_tokens), sum(n.cached_tokens), sum(n.cost_usd)
        FROM new_rows n
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (day, tenant_key, provider, model, operation) DO UPDATE SET
            calls = d.calls + excluded.calls,
            input_tokens = d.input_tokens + excluded.input_tokens,
            output_tokens = d.output_tokens + excluded.output_tokens,
            cached_tokens = d.cached_tokens + excluded.cached_tokens,
            cost_usd = d.cost_usd + excluded.cost_usd;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER llm_usage_logs_daily_insert
    AFTER INSERT ON llm_usage_logs
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION llm_usage_daily_apply();

CREATE TRIGGER llm_usage_logs_daily_update
    AFTER UPDATE ON llm_usage_logs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION llm_usage_daily_apply();

CREATE TRIGGER llm_usage_logs_daily_delete
    AFTER DELETE ON llm_usage_logs
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION llm_usage_daily_apply();

INSERT INTO llm_usage_daily (day, tenant_key, provider, model, operation, calls, input_tokens, output_tokens, cached_tokens, cost_usd)
SELECT (occurred_at AT TIME ZONE 'UTC')::date, coalesce(tenant_id, ''), provider, model, operation,
       count(*), sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_usd)
FROM llm_usage_logs
GROUP BY 1, 2, 3, 4, 5;

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
DROP TRIGGER llm_usage_logs_daily_delete ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_daily_update ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_daily_insert ON llm_usage_logs;
DROP FUNCTION llm_usage_daily_apply();
DROP TABLE llm_usage_daily;
