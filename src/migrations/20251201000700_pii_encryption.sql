-- migrate:up
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
-- Column-level encryption of patient identifiers (pgcrypto, symmetric PGP). The key never lives in
-- the database: callers pass it from their secret store. The patient-data policy proves the
-- round trip in the shadow database.

CREATE FUNCTION encrypt_pii(plain text, key text) RETURNS bytea
    LANGUAGE sql VOLATILE STRICT
AS $$ SELECT pgp_sym_encrypt(plain, key, 'cipher-algo=aes256') $$;

CREATE FUNCTION decrypt_pii(cipher bytea, key text) RETURNS text
    LANGUAGE sql STABLE STRICT
AS $$ SELECT pgp_sym_decrypt(cipher, key) $$;

COMMENT ON FUNCTION encrypt_pii(text, text) IS 'Encrypts a patient identifier with the caller''s key (AES-256, PGP).';
COMMENT ON FUNCTION decrypt_pii(bytea, text) IS 'Decrypts what encrypt_pii produced; fails on a wrong key.';

-- migrate:down
DROP FUNCTION decrypt_pii(bytea, text);
DROP FUNCTION encrypt_pii(text, text);
