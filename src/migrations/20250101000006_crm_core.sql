-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- CRM core: practitioners, leads, treatment plans, interactions, updated_at trigger, funnel view.

CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION set_updated_at() IS 'BEFORE UPDATE row trigger: stamps updated_at with now().';

CREATE TYPE lead_status AS ENUM (
    'new', 'contacted', 'qualified', 'scheduled', 'converted', 'lost', 'archived'
);

CREATE TABLE practitioners (
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    name       text        NOT NULL,
    email      text        NOT NULL,
    specialty  text        NULL,
    active     boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT practitioners_pkey PRIMARY KEY (id),
    CONSTRAINT practitioners_email_key UNIQUE (email)
);

CREATE TRIGGER practitioners_set_updated_at
    BEFORE UPDATE ON practitioners
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE leads (
    id                 uuid         NOT NULL DEFAULT gen_random_uuid(),
    practitioner_id    uuid         NULL,
    phone              text         NOT NULL,
    email              text         NULL,
    full_name          text         NULL,
    source             text         NULL,
    status             lead_status  NOT NULL DEFAULT 'new',
    ai_score           smallint     NULL,
    sentiment          numeric(3,2) NULL,
    hubspot_contact_id text         NULL,
    correlation_id     text         NULL,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz  NOT NULL DEFAULT now(),
    deleted_at         timestamptz  NULL,
    CONSTRAINT leads_pkey PRIMARY KEY (id),
    CONSTRAINT leads_practitioner_id_fkey FOREIGN KEY (practitioner_id)
        REFERENCES practitioners (id) ON DELETE SET NULL,
    CONSTRAINT leads_hubspot_contact_id_key UNIQUE (hubspot_contact_id),
    CONSTRAINT leads_ai_score_check CHECK (ai_score BETWEEN 0 AND 100),
    CONSTRAINT leads_sentiment_check CHECK (sentiment BETWEEN -1 AND 1)
);

CREATE INDEX leads_practitioner_id_idx ON leads (practitioner_id);
CREATE INDEX leads_phone_idx ON leads (phone);
CREATE INDEX leads_status_created_idx ON leads (status, created_at) WHERE deleted_at IS NULL;
CREATE INDEX leads_correlation_idx ON leads (correlation_id);

CREATE TRIGGER leads_set_updated_at
    BEFORE UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE treatment_plans (
    id              uuid          NOT NULL DEFAULT gen_random_uuid(),
    lead_id         uuid          NOT NULL,
    practitioner_id uuid          NULL,
    title           text          NOT NULL,
    status          text          NOT NULL DEFAULT 'draft',
    total_amount    numeric(12,2) NOT NULL DEFAULT 0,
    currency        text          NOT NULL DEFAULT 'EUR',
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT treatment_plans_pkey PRIMARY KEY (id),
    CONSTRAINT treatment_plans_lead_id_fkey FOREIGN KEY (lead_id)
        REFERENCES leads (id) ON DELETE CASCADE,
    CONSTRAINT treatment_plans_practitioner_id_fkey FOREIGN KEY (practitioner_id)
        REFERENCES practitioners (id) ON DELETE SET NULL,
    CONSTRAINT treatment_plans_status_check CHECK (status IN (
        'draft', 'proposed', 'accepted', 'in_progress', 'completed', 'rejected', 'cancelled'
    )),
    CONSTRAINT treatment_plans_total_amount_check CHECK (total_amount >= 0),
    -- ISO 4217 code; text + CHECK instead of char(3) (squawk ban-char-field).
    CONSTRAINT treatment_plans_currency_check CHECK (currency ~ '^[A-Z]{3}$')
);

CREATE INDEX treatment_plans_lead_id_idx ON treatment_plans (lead_id);
CREATE INDEX treatment_plans_practitioner_id_idx ON treatment_plans (practitioner_id);

CREATE TRIGGER treatment_plans_set_updated_at
    BEFORE UPDATE ON treatment_plans
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE treatment_plan_items (
    id             uuid          NOT NULL DEFAULT gen_random_uuid(),
    plan_id        uuid          NOT NULL,
    procedure_code text          NOT NULL,
    description    text          NULL,
    quantity       integer       NOT NULL DEFAULT 1,
    unit_price     numeric(12,2) NOT NULL,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT treatment_plan_items_pkey PRIMARY KEY (id),
    CONSTRAINT treatment_plan_items_plan_id_fkey FOREIGN KEY (plan_id)
        REFERENCES treatment_plans (id) ON DELETE CASCADE,
    CONSTRAINT treatment_plan_items_quantity_check CHECK (quantity > 0),
    CONSTRAINT treatment_plan_items_unit_price_check CHECK (unit_price >= 0)
);

CREATE INDEX treatment_plan_items_plan_id_idx ON treatment_plan_items (plan_id);

CREATE TABLE interactions (
    id             uuid        NOT NULL DEFAULT gen_random_uuid(),
    lead_id        uuid        NOT NULL,
    channel        text        NOT NULL,
    direction      text        NOT NULL,
    summary        text        NULL,
    correlation_id text        NULL,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT interactions_pkey PRIMARY KEY (id),
    CONSTRAINT interactions_lead_id_fkey FOREIGN KEY (lead_id)
        REFERENCES leads (id) ON DELETE CASCADE,
    CONSTRAINT interactions_channel_check CHECK (channel IN (
        'whatsapp', 'voice', 'sms', 'email', 'web', 'in_person'
    )),
    CONSTRAINT interactions_direction_check CHECK (direction IN ('inbound', 'outbound'))
);

CREATE INDEX interactions_lead_occurred_idx ON interactions (lead_id, occurred_at);

-- Daily lead funnel (by creation day, UTC), excluding soft-deleted leads.
CREATE VIEW lead_funnel_daily AS
SELECT
    (l.created_at AT TIME ZONE 'UTC')::date                                  AS day,
    count(*)                                                                 AS leads_total,
    count(*) FILTER (WHERE l.status IN ('contacted', 'qualified', 'scheduled', 'converted'))
                                                                             AS leads_contacted,
    count(*) FILTER (WHERE l.status IN ('qualified', 'scheduled', 'converted')) AS leads_qualified,
    count(*) FILTER (WHERE l.status IN ('scheduled', 'converted'))           AS leads_scheduled,
    count(*) FILTER (WHERE l.status = 'converted')                           AS leads_converted,
    count(*) FILTER (WHERE l.status = 'lost')                                AS leads_lost,
    round(avg(l.ai_score), 1)                                                AS avg_ai_score
FROM leads AS l
WHERE l.deleted_at IS NULL
GROUP BY (l.created_at AT TIME ZONE 'UTC')::date;

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
DROP VIEW lead_funnel_daily;
DROP INDEX interactions_lead_occurred_idx;
DROP TABLE interactions;
DROP INDEX treatment_plan_items_plan_id_idx;
DROP TABLE treatment_plan_items;
DROP TRIGGER treatment_plans_set_updated_at ON treatment_plans;
DROP INDEX treatment_plans_practitioner_id_idx;
DROP INDEX treatment_plans_lead_id_idx;
DROP TABLE treatment_plans;
DROP TRIGGER leads_set_updated_at ON leads;
DROP INDEX leads_correlation_idx;
DROP INDEX leads_status_created_idx;
DROP INDEX leads_phone_idx;
DROP INDEX leads_practitioner_id_idx;
DROP TABLE leads;
DROP TRIGGER practitioners_set_updated_at ON practitioners;
DROP TABLE practitioners;
DROP TYPE lead_status;
DROP FUNCTION set_updated_at();
