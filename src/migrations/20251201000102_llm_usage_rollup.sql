-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '10min';
-- `budget status` reads a few rows per tenant, model and operation, however many days of the month
-- have passed: llm_usage_rollup holds the ledger summed per UTC month along each dimension the status
-- shows (tenant, model, operation, and per tenant its models and operations), and per UTC day by
-- tenant (today's spend and the daily budgets).
-- Statement-level triggers (like llm_usage_daily's) keep it in step with the ledger in the same
-- transaction.

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

-- Statement-level, beside the daily roll-up's triggers: a bulk insert costs one grouped statement.
CREATE FUNCTION llm_usage_rollup_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO llm_usage_rollup AS x (period, period_start, dim, key1, key2, calls, input_tokens, output_tokens, cost_usd)
        SELECT p.period, p.start, g.dim, g.key1, g.key2, -count(*), -sum(c.input_tokens), -sum(c.output_tokens), -sum(c.cost_usd)
        FROM (SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(tenant_id, '') AS tenant_key, provider || '/' || model AS model,
                     operation, input_tokens, output_tokens, cost_usd FROM old_rows) c
        CROSS JOIN LATERAL (VALUES ('day', c.day), ('month', date_trunc('month', c.day)::date)) AS p(period, start)
        CROSS JOIN LATERAL (VALUES ('model', c.model, ''), ('operation', c.operation, ''), ('tenant', c.tenant_key, ''),
                                   ('tenant_model', c.tenant_key, c.model), ('tenant_operation', c.tenant_key, c.operation)) AS g(dim, key1, key2)
        WHERE p.period = 'month' OR g.dim = 'tenant'
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (period, period_start, dim, key1, key2) DO UPDATE SET
            calls = x.calls + excluded.calls, input_tokens = x.input_tokens + excluded.input_tokens,
            output_tokens = x.output_tokens + excluded.output_tokens, cost_usd = x.cost_usd + excluded.cost_usd;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO llm_usage_rollup AS x (period, period_start, dim, key1, key2, calls, input_tokens, output_tokens, cost_usd)
        SELECT p.period, p.start, g.dim, g.key1, g.key2, count(*), sum(c.input_tokens), sum(c.output_tokens), sum(c.cost_usd)
        FROM (SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(tenant_id, '') AS tenant_key, provider || '/' || model AS model,
                     operation, input_tokens, output_tokens, cost_usd FROM new_rows) c
        CROSS JOIN LATERAL (VALUES ('day', c.day), ('month', date_trunc('month', c.day)::date)) AS p(period, start)
        CROSS JOIN LATERAL (VALUES ('model', c.model, ''), ('operation', c.operation, ''), ('tenant', c.tenant_key, ''),
                                   ('tenant_model', c.tenant_key, c.model), ('tenant_operation', c.tenant_key, c.operation)) AS g(dim, key1, key2)
        WHERE p.period = 'month' OR g.dim = 'tenant'
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (period, period_start, dim, key1, key2) DO UPDATE SET
            calls = x.calls + excluded.calls, input_tokens = x.input_tokens + excluded.input_tokens,
            output_tokens = x.output_tokens + excluded.output_tokens, cost_usd = x.cost_usd + excluded.cost_usd;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER llm_usage_logs_rollup_insert
    AFTER INSERT ON llm_usage_logs
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION llm_usage_rollup_apply();

CREATE TRIGGER llm_usage_logs_rollup_update
    AFTER UPDATE ON llm_usage_logs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION llm_usage_rollup_apply();

CREATE TRIGGER llm_usage_logs_rollup_delete
    AFTER DELETE ON llm_usage_logs
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION llm_usage_rollup_apply();

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
DROP TRIGGER llm_usage_logs_rollup_delete ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_rollup_update ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_rollup_insert ON llm_usage_logs;
DROP FUNCTION llm_usage_rollup_apply();
DROP TABLE llm_usage_rollup;
