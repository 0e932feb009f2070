import { describe, expect, it } from 'vitest';
import { dollarQuoted, ident, indexKey, qualified } from '../src/core/schema/sql-text.js';
import { fixScript } from '../src/core/schema/index.js';

describe('fix SQL text', () => {
  it('quotes identifiers only where SQL needs it', () => {
    expect(ident('leads')).toBe('leads');
    expect(ident('uuid-ossp')).toBe('"uuid-ossp"');
    expect(ident('user')).toBe('"user"');
    expect(ident('Mixed')).toBe('"Mixed"');
    expect(ident('a"b')).toBe('"a""b"');
    expect(qualified('public.order')).toBe('public."order"');
  });

  it('puts index expressions in parentheses, keeping opclass and order outside', () => {
    expect(indexKey('phone')).toBe('phone');
    expect(indexKey('embedding vector_cosine_ops')).toBe('embedding vector_cosine_ops');
    expect(indexKey('lower(email) DESC')).toBe('(lower(email)) DESC');
    expect(indexKey("tstzrange(started_at, ended_at, '[)'::text)")).toBe(
      "(tstzrange(started_at, ended_at, '[)'::text))",
    );
    expect(indexKey("(payload ->> 'k'::text)")).toBe("(payload ->> 'k'::text)");
  });

  it('picks a dollar quote the body does not contain', () => {
    expect(dollarQuoted('select 1')).toBe('$body$select 1$body$');
    expect(dollarQuoted('x $body$ y')).toBe('$body0$x $body$ y$body0$');
  });

  it('marks each statement safe or destructive in the script', () => {
    const script = fixScript(
      [
        { sql: 'DROP TABLE public.t', destructive: true, reason: 'drops table t', object: 'table public.t' },
        {
          sql: 'ALTER TABLE public.leads ALTER COLUMN a DROP DEFAULT',
          destructive: false,
          object: 'column public.leads.a',
        },
      ],
      { target: 'migrations', current: 'live database' },
    );
    expect(script).toContain('-- 2 statement(s), 1 destructive.');
    expect(script).toContain('-- DESTRUCTIVE: drops table t\nDROP TABLE public.t;\n');
    expect(script).toContain('-- safe\nALTER TABLE public.leads ALTER COLUMN a DROP DEFAULT;\n');
  });
});
