-- migrate:up
-- Write the change here. Each migration runs in one transaction.
-- Prefer additive changes: new tables and nullable columns, CREATE INDEX CONCURRENTLY in a
-- migration of its own with "-- migrate:up transaction:false".


-- migrate:down
-- Undo exactly what the up section did, in reverse order.

