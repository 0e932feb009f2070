-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- Extensions used by the MedicalCor schema.
--   vector     : pgvector, embeddings for the RAG knowledge base (knowledge_base.embedding)
--   pgcrypto   : digest()/hmac() helpers for hashing identifiers (gen_random_uuid() itself is core since PG13)
--   uuid-ossp  : uuid_generate_v4()/v5() for legacy callers and deterministic ids
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

-- migrate:down
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
DROP EXTENSION IF EXISTS "uuid-ossp";
DROP EXTENSION IF EXISTS pgcrypto;
DROP EXTENSION IF EXISTS vector;
