-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '10min';
-- `budget status` reads a few rows per tenant, model and operation, however many days of the month
-- have passed: llm_usage_rollup holds the ledger summed per UTC month along each dimension the status
-- shows (tenant, model, operation, and per tenant its models and operations), and per UTC day by
-- tenant (today's spend and the daily budgets).
-- One row-level trigger keeps it and llm_usage_daily in step with the ledger in the same
-- transaction; it replaces the statement-level triggers, whose transition tables cost most of a
-- millisecond per single-row insert.

CREATE TABLE llm_usage_rollup (
    period        text          NOT NULL,
    period_start  date          NOT NULL,
    dim           text          NOT NULL,
    key1          text          NOT NULL,
    key2          text          NOT NULL DEFAULT '',
    calls         bigint        NOT NULL DEFAULT 0,
    input_tokens  bigint        NOT NULL DEFAULT 0,
    output_tokens bigint        NOT NULL DEFAULT 0,
    cost_usd      numeric(18,6) NOT NULL DEFAULT 0,
    CONSTRAINT llm_usage_rollup_pkey PRIMARY KEY (period, period_start, dim, key1, key2),
    CONSTRAINT llm_usage_rollup_period_check CHECK (period IN ('day', 'month')),
    CONSTRAINT llm_usage_rollup_dim_check CHECK (dim IN ('tenant', 'model', 'operation', 'tenant_model', 'tenant_operation'))
);

COMMENT ON TABLE llm_usage_rollup IS 'llm_usage_logs summed per UTC day/month: tenant (key1 tenant or empty), model (provider/model), operation, tenant_model and tenant_operation (key2).';

CREATE FUNCTION llm_usage_rollup_add(r llm_usage_logs, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    d date := (r.occurred_at AT TIME ZONE 'UTC')::date;
    m date := date_trunc('month', (r.occurred_at AT TIME ZONE 'UTC'))::date;
    t text := coalesce(r.tenant_id, '');
    mo text := r.provider || '/' || r.model;
BEGIN
    INSERT INTO llm_usage_daily AS x (day, tenant_key, provider, model, operation, calls, input_tokens, output_tokens, cached_tokens, cost_usd)
    VALUES (d, t, r.provider, r.model, r.operation, sign, sign * r.input_tokens, sign * r.output_tokens, sign * r.cached_tokens, sign * r.cost_usd)
    ON CONFLICT (day, tenant_key, provider, model, operation) DO UPDATE SET
        calls = x.calls + excluded.calls,
        input_tokens = x.input_tokens + excluded.input_tokens,
        output_tokens = x.output_tokens + excluded.output_tokens,
        cached_tokens = x.cached_tokens + excluded.cached_tokens,
        cost_usd = x.cost_usd + excluded.cost_usd;
    INSERT INTO llm_usage_rollup AS x (period, period_start, dim, key1, key2, calls, input_tokens, output_tokens, cost_usd)
    VALUES
        ('day', d, 'tenant', t, '', sign, sign * r.input_tokens, sign * r.output_tokens, sign * r.cost_usd),
        ('month', m, 'model', mo, '', sign, sign * r.input_tokens, sign * r.output_tokens, sign * r.cost_usd),
        ('month', m, 'operation', r.operation, '', sign, sign * r.input_tokens, sign * r.output_tokens, sign * r.cost_usd),
        ('month', m, 'tenant', t, '', sign, sign * r.input_tokens, sign * r.output_tokens, sign * r.cost_usd),
        ('month', m, 'tenant_model', t, mo, sign, sign * r.input_tokens, sign * r.output_tokens, sign * r.cost_usd),
        ('month', m, 'tenant_operation', t, r.operation, sign, sign * r.input_tokens, sign * r.output_tokens, sign * r.cost_usd)
    ON CONFLICT (period, period_start, dim, key1, key2) DO UPDATE SET
        calls = x.calls + excluded.calls,
        input_tokens = x.input_tokens + excluded.input_tokens,
        output_tokens = x.output_tokens + excluded.output_tokens,
        cost_usd = x.cost_usd + excluded.cost_usd;
END;
$$;

CREATE FUNCTION llm_usage_rollup_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN PERFORM llm_usage_rollup_add(OLD, -1); END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM llm_usage_rollup_add(NEW, 1); END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER llm_usage_logs_daily_delete ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_daily_update ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_daily_insert ON llm_usage_logs;

CREATE TRIGGER llm_usage_logs_rollup
    AFTER INSERT OR UPDATE OR DELETE ON llm_usage_logs
    FOR EACH ROW EXECUTE FUNCTION llm_usage_rollup_apply();

INSERT INTO llm_usage_rollup (period, period_start, dim, key1, key2, calls, input_tokens, output_tokens, cost_usd)
SELECT p.period, p.start, g.dim, g.key1, g.key2, sum(g.calls), sum(g.input_tokens), sum(g.output_tokens), sum(g.cost_usd)
FROM llm_usage_daily dd
CROSS JOIN LATERAL (VALUES ('day', dd.day), ('month', date_trunc('month', dd.day)::date)) AS p(period, start)
CROSS JOIN LATERAL (VALUES
    ('model', dd.provider || '/' || dd.model, '', dd.calls, dd.input_tokens, dd.output_tokens, dd.cost_usd),
    ('operation', dd.operation, '', dd.calls, dd.input_tokens, dd.output_tokens, dd.cost_usd),
    ('tenant', dd.tenant_key, '', dd.calls, dd.input_tokens, dd.output_tokens, dd.cost_usd),
    ('tenant_model', dd.tenant_key, dd.provider || '/' || dd.model, dd.calls, dd.input_tokens, dd.output_tokens, dd.cost_usd),
    ('tenant_operation', dd.tenant_key, dd.operation, dd.calls, dd.input_tokens, dd.output_tokens, dd.cost_usd)
) AS g(dim, key1, key2, calls, input_tokens, output_tokens, cost_usd)
WHERE p.period = 'month' OR g.dim = 'tenant'
GROUP BY 1, 2, 3, 4, 5;

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
DROP TRIGGER llm_usage_logs_rollup ON llm_usage_logs;
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
DROP FUNCTION llm_usage_rollup_apply();
DROP FUNCTION llm_usage_rollup_add(llm_usage_logs, integer);
DROP TABLE llm_usage_rollup;
