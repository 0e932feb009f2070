-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- A ledger insert pays no roll-up work: the roll-up triggers on INSERT (1.3 ms per single-row insert
-- on the 2026-12-01 bench; the goal is 0.2 ms) are dropped. Instead:
-- * each ledger row carries the id of the transaction that wrote it (fold_xid, a column default);
-- * llm_usage_fold() adds the rows of every transaction that committed since the last fold to
--   llm_usage_rollup, in one grouped statement, and records its snapshot in llm_usage_fold_state;
--   the budget controller calls it every few seconds from any pod, `budget reconcile` before reading;
-- * llm_usage_rollup_current = llm_usage_rollup + the tail (rows the last fold's snapshot did not
--   see), read in one statement (one snapshot), is exactly the ledger summed whenever it is read:
--   what `budget status` (also on a replica: it writes nothing) and `budget reconcile` read.
-- The mark is a snapshot, not a row id: ids and budget_seq are taken before commit, so a slow
-- transaction can commit a lower id after a higher one was folded. A row is folded when its
-- transaction is below the snapshot's xmax and was not running then (xip): exactly the rows that
-- snapshot saw. So the tail is what committed since the last fold plus what was still running then;
-- a long transaction elsewhere on the server holds nothing back.
-- UPDATE and DELETE (corrections, purges) of rows already folded are applied to the roll-up by a
-- statement-level trigger, under a share lock of the state row, which the fold holds for update.
-- llm_usage_daily (per day, tenant, model and operation) is dropped: nothing reads it any more; the
-- roll-up's day rows per tenant are what reconcile compares with the counters.

ALTER TABLE llm_usage_logs ADD COLUMN fold_xid xid8 NULL;
ALTER TABLE llm_usage_logs ALTER COLUMN fold_xid SET DEFAULT pg_current_xact_id();
COMMENT ON COLUMN llm_usage_logs.fold_xid IS
    'The writing transaction (default pg_current_xact_id(); never set it): in llm_usage_rollup once seen by a '
    'fold (llm_usage_fold_state). NULL: written before 20251201000800, in the roll-up.';

CREATE TABLE llm_usage_fold_state (
    singleton   boolean     NOT NULL DEFAULT true,
    horizon     xid8        NOT NULL,
    running     xid8[]      NOT NULL DEFAULT '{}',
    folded_at   timestamptz NULL,
    folded_rows bigint      NOT NULL DEFAULT 0,
    CONSTRAINT llm_usage_fold_state_pkey PRIMARY KEY (singleton),
    CONSTRAINT llm_usage_fold_state_singleton_check CHECK (singleton)
);

COMMENT ON TABLE llm_usage_fold_state IS
    'The last fold''s snapshot: ledger rows with fold_xid below horizon and not in running are in '
    'llm_usage_rollup; the others are the tail.';

-- every row written so far is in the roll-up (fold_xid NULL); rows from here on are the tail until folded
INSERT INTO llm_usage_fold_state (horizon) VALUES ('0');

DROP TRIGGER llm_usage_logs_rollup_delete ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_rollup_update ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_rollup_insert ON llm_usage_logs;
DROP FUNCTION llm_usage_rollup_apply();
DROP TRIGGER llm_usage_logs_daily_delete ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_daily_update ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_daily_insert ON llm_usage_logs;
DROP FUNCTION llm_usage_daily_apply();
-- derived data that nothing reads any more (the down section rebuilds it from the ledger)
-- squawk-ignore ban-drop-table
DROP TABLE llm_usage_daily;

-- The tail: the ledger rows the last fold did not see. STABLE, so it runs in its caller's snapshot:
-- the state row and the rows are read as of one and the same moment. plpgsql, so the bounds are
-- values by the time the rows are looked up, and the planner takes the index on fold_xid (behind a
-- join or a subquery they are unknown, and it would scan the whole ledger). ROWS: small, as it is
-- kept, so the statements around it are planned for a few rows (no JIT).
CREATE FUNCTION llm_usage_tail() RETURNS SETOF llm_usage_logs
LANGUAGE plpgsql STABLE ROWS 1000 AS $$
DECLARE
    h xid8;
    r xid8[];
BEGIN
    SELECT horizon, running INTO h, r FROM llm_usage_fold_state;
    RETURN QUERY SELECT * FROM llm_usage_logs WHERE fold_xid >= h OR fold_xid = ANY (r);
END;
$$;

-- Folds the tail's committed rows; returns the rows folded, or NULL when another fold holds the state
-- row and wait is false. READ COMMITTED only: the fold's snapshot must be taken after the lock, so it
-- sees every correction that committed while it waited.
CREATE FUNCTION llm_usage_fold(wait boolean DEFAULT true) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'llm_usage_fold() must run in a READ COMMITTED transaction (this one is %)',
            current_setting('transaction_isolation');
    END IF;
    IF wait THEN
        PERFORM 1 FROM llm_usage_fold_state FOR UPDATE;
    ELSE
        PERFORM 1 FROM llm_usage_fold_state FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    -- one statement, one snapshot: the rows folded are those it sees, and it is what is recorded. The
    -- fold's own transaction is recorded as running: rows its caller wrote before are left in the tail.
    WITH seen AS (
        SELECT pg_current_snapshot() AS snap
    ), tail AS (
        SELECT (l.occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(l.tenant_id, '') AS tenant_key,
               l.provider || '/' || l.model AS model, l.operation, l.input_tokens, l.output_tokens, l.cost_usd
        FROM llm_usage_tail() l
        WHERE l.fold_xid <> pg_current_xact_id()
    ), added AS (
        INSERT INTO llm_usage_rollup AS x (period, period_start, dim, key1, key2, calls, input_tokens,
            output_tokens, cost_usd)
        SELECT p.period, p.start, g.dim, g.key1, g.key2, count(*), sum(c.input_tokens), sum(c.output_tokens),
            sum(c.cost_usd)
        FROM tail c
        CROSS JOIN LATERAL (VALUES ('day', c.day), ('month', date_trunc('month', c.day)::date)) AS p(period, start)
        CROSS JOIN LATERAL (VALUES ('model', c.model, ''), ('operation', c.operation, ''),
                                   ('tenant', c.tenant_key, ''), ('tenant_model', c.tenant_key, c.model),
                                   ('tenant_operation', c.tenant_key, c.operation)) AS g(dim, key1, key2)
        WHERE p.period = 'month' OR g.dim = 'tenant'
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (period, period_start, dim, key1, key2) DO UPDATE SET
            calls = x.calls + excluded.calls, input_tokens = x.input_tokens + excluded.input_tokens,
            output_tokens = x.output_tokens + excluded.output_tokens, cost_usd = x.cost_usd + excluded.cost_usd
    ), moved AS (
        UPDATE llm_usage_fold_state f
        SET horizon = pg_snapshot_xmax(b.snap), running = ARRAY(SELECT pg_snapshot_xip(b.snap)) || pg_current_xact_id(),
            folded_at = now(), folded_rows = (SELECT count(*) FROM tail)
        FROM seen b
        RETURNING f.folded_rows
    )
    SELECT folded_rows INTO folded FROM moved;
    RETURN folded;
END;
$$;

-- UPDATE/DELETE of rows already folded (fold_xid NULL, or seen by the last fold): take the old rows
-- out of the roll-up and put the new ones in. FOR SHARE waits for a fold in progress and then reads
-- the state it left (READ COMMITTED), or fails to serialize (REPEATABLE READ): never a stale one.
CREATE FUNCTION llm_usage_fold_correct() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    h xid8;
    r xid8[];
BEGIN
    SELECT horizon, running INTO h, r FROM llm_usage_fold_state FOR SHARE;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO llm_usage_rollup AS x (period, period_start, dim, key1, key2, calls, input_tokens,
            output_tokens, cost_usd)
        SELECT p.period, p.start, g.dim, g.key1, g.key2, -count(*), -sum(c.input_tokens), -sum(c.output_tokens),
            -sum(c.cost_usd)
        FROM (SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(tenant_id, '') AS tenant_key,
                     provider || '/' || model AS model, operation, input_tokens, output_tokens, cost_usd
              FROM old_rows WHERE fold_xid IS NULL OR (fold_xid < h AND fold_xid <> ALL (r))) c
        CROSS JOIN LATERAL (VALUES ('day', c.day), ('month', date_trunc('month', c.day)::date)) AS p(period, start)
        CROSS JOIN LATERAL (VALUES ('model', c.model, ''), ('operation', c.operation, ''),
                                   ('tenant', c.tenant_key, ''), ('tenant_model', c.tenant_key, c.model),
                                   ('tenant_operation', c.tenant_key, c.operation)) AS g(dim, key1, key2)
        WHERE p.period = 'month' OR g.dim = 'tenant'
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (period, period_start, dim, key1, key2) DO UPDATE SET
            calls = x.calls + excluded.calls, input_tokens = x.input_tokens + excluded.input_tokens,
            output_tokens = x.output_tokens + excluded.output_tokens, cost_usd = x.cost_usd + excluded.cost_usd;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO llm_usage_rollup AS x (period, period_start, dim, key1, key2, calls, input_tokens,
            output_tokens, cost_usd)
        SELECT p.period, p.start, g.dim, g.key1, g.key2, count(*), sum(c.input_tokens), sum(c.output_tokens),
            sum(c.cost_usd)
        FROM (SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(tenant_id, '') AS tenant_key,
                     provider || '/' || model AS model, operation, input_tokens, output_tokens, cost_usd
              FROM new_rows WHERE fold_xid IS NULL OR (fold_xid < h AND fold_xid <> ALL (r))) c
        CROSS JOIN LATERAL (VALUES ('day', c.day), ('month', date_trunc('month', c.day)::date)) AS p(period, start)
        CROSS JOIN LATERAL (VALUES ('model', c.model, ''), ('operation', c.operation, ''),
                                   ('tenant', c.tenant_key, ''), ('tenant_model', c.tenant_key, c.model),
                                   ('tenant_operation', c.tenant_key, c.operation)) AS g(dim, key1, key2)
        WHERE p.period = 'month' OR g.dim = 'tenant'
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (period, period_start, dim, key1, key2) DO UPDATE SET
            calls = x.calls + excluded.calls, input_tokens = x.input_tokens + excluded.input_tokens,
            output_tokens = x.output_tokens + excluded.output_tokens, cost_usd = x.cost_usd + excluded.cost_usd;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER llm_usage_logs_fold_update
    AFTER UPDATE ON llm_usage_logs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION llm_usage_fold_correct();

CREATE TRIGGER llm_usage_logs_fold_delete
    AFTER DELETE ON llm_usage_logs
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION llm_usage_fold_correct();

-- The roll-up as of now: folded rows plus the tail, summed per UTC day/month along the roll-up's
-- dimensions. A key can appear twice (folded and in the tail): readers sum per key. The tail is read
-- once and grouped per dimension; a reader's filter on period and dim skips the other branches.
CREATE VIEW llm_usage_rollup_current AS
WITH tail AS (
    SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS month,
           coalesce(tenant_id, '') AS tenant_key, provider || '/' || model AS model, operation,
           input_tokens, output_tokens, cost_usd
    FROM llm_usage_tail()
)
SELECT period, period_start, dim, key1, key2, calls, input_tokens, output_tokens, cost_usd::numeric AS cost_usd
FROM llm_usage_rollup
UNION ALL
SELECT 'day', day, 'tenant', tenant_key, '', count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd)
FROM tail GROUP BY day, tenant_key
UNION ALL
SELECT 'month', month, 'tenant', tenant_key, '', count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd)
FROM tail GROUP BY month, tenant_key
UNION ALL
SELECT 'month', month, 'model', model, '', count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd)
FROM tail GROUP BY month, model
UNION ALL
SELECT 'month', month, 'operation', operation, '', count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd)
FROM tail GROUP BY month, operation
UNION ALL
SELECT 'month', month, 'tenant_model', tenant_key, model, count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd)
FROM tail GROUP BY month, tenant_key, model
UNION ALL
SELECT 'month', month, 'tenant_operation', tenant_key, operation, count(*), sum(input_tokens), sum(output_tokens),
       sum(cost_usd)
FROM tail GROUP BY month, tenant_key, operation;

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '10min';
DROP VIEW llm_usage_rollup_current;
DROP TRIGGER llm_usage_logs_fold_delete ON llm_usage_logs;
DROP TRIGGER llm_usage_logs_fold_update ON llm_usage_logs;
DROP FUNCTION llm_usage_fold_correct();
-- fold everything written since the last fold: the triggers below keep the roll-up from here on
INSERT INTO llm_usage_rollup AS x (period, period_start, dim, key1, key2, calls, input_tokens, output_tokens, cost_usd)
SELECT p.period, p.start, g.dim, g.key1, g.key2, count(*), sum(c.input_tokens), sum(c.output_tokens), sum(c.cost_usd)
FROM (SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(tenant_id, '') AS tenant_key,
             provider || '/' || model AS model, operation, input_tokens, output_tokens, cost_usd
      FROM llm_usage_tail()) c
CROSS JOIN LATERAL (VALUES ('day', c.day), ('month', date_trunc('month', c.day)::date)) AS p(period, start)
CROSS JOIN LATERAL (VALUES ('model', c.model, ''), ('operation', c.operation, ''),
                           ('tenant', c.tenant_key, ''), ('tenant_model', c.tenant_key, c.model),
                           ('tenant_operation', c.tenant_key, c.operation)) AS g(dim, key1, key2)
WHERE p.period = 'month' OR g.dim = 'tenant'
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (period, period_start, dim, key1, key2) DO UPDATE SET
    calls = x.calls + excluded.calls, input_tokens = x.input_tokens + excluded.input_tokens,
    output_tokens = x.output_tokens + excluded.output_tokens, cost_usd = x.cost_usd + excluded.cost_usd;
DROP FUNCTION llm_usage_fold(boolean);
DROP FUNCTION llm_usage_tail();
DROP TABLE llm_usage_fold_state;
ALTER TABLE llm_usage_logs DROP COLUMN fold_xid;
-- the previous design again: llm_usage_daily rebuilt from the ledger, both roll-ups kept by triggers
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

