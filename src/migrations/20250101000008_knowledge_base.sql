-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- RAG knowledge base with pgvector embeddings (1536 dims, cosine distance).

CREATE TABLE knowledge_base (
    id         uuid         NOT NULL DEFAULT gen_random_uuid(),
    title      text         NOT NULL,
    content    text         NOT NULL,
    source     text         NULL,
    language   text         NULL,
    tags       text[]       NOT NULL DEFAULT '{}'::text[],
    embedding  vector(1536) NULL,
    metadata   jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT knowledge_base_pkey PRIMARY KEY (id)
);

CREATE INDEX knowledge_base_embedding_hnsw_idx ON knowledge_base
    USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
CREATE INDEX knowledge_base_tags_gin_idx ON knowledge_base USING gin (tags);

CREATE TRIGGER knowledge_base_set_updated_at
    BEFORE UPDATE ON knowledge_base
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
DROP TRIGGER knowledge_base_set_updated_at ON knowledge_base;
DROP INDEX knowledge_base_tags_gin_idx;
DROP INDEX knowledge_base_embedding_hnsw_idx;
DROP TABLE knowledge_base;
