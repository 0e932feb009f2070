import { describe, expect, it } from 'vitest';
import { stripVTControlCharacters } from 'node:util';
import {
  decideColor,
  decideProgress,
  decideWidth,
  displayWidth,
  fitColumns,
  formatAnnotation,
  renderTable,
  truncateText,
} from '../src/cli-kit/index.js';
import { maskValue } from '../src/core/mask/index.js';
import { maskToken, maskUrl, redactForStorage, redactSecrets } from '../src/core/redact.js';

describe('colour is decided once from the terminal and the environment', () => {
  it.each([
    [{ isTTY: true, env: {} }, true],
    [{ isTTY: false, env: {} }, false],
    [{ isTTY: true, env: { NO_COLOR: '1' } }, false],
    [{ isTTY: true, env: {}, colorFlag: false }, false],
    [{ isTTY: false, env: { FORCE_COLOR: '1' } }, true],
    [{ isTTY: true, env: { FORCE_COLOR: '0' } }, false],
    [{ isTTY: true, env: { TERM: 'dumb' } }, false],
  ])('%j → %s', (inputs, expected) => {
    expect(decideColor(inputs as Parameters<typeof decideColor>[0])).toBe(expected);
  });

  it('a table rendered without colour has no escape codes and no box drawing', () => {
    const text = renderTable(
      [{ a: 'x', b: 1 }],
      [
        { header: 'A', value: (r) => r.a, style: (t) => `\u001b[31m${t}\u001b[39m` },
        { header: 'B', value: (r) => r.b },
      ],
      false,
    );
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).not.toMatch(/[┌─│]/);
    expect(text.split('\n')[1]).toMatch(/^x\s+1$/);
  });
});

describe('secrets and patient data never leave unmasked', () => {
  it('masks URL passwords and tokens', () => {
    expect(maskUrl('postgres://app:s3cr3t@db:5432/x')).toBe('postgres://app:****@db:5432/x');
    expect(maskToken('tr_prod_1234567890abcd')).toBe('tr_…abcd');
    const text = redactSecrets(
      'failed: postgres://u:pw123456@h/db Authorization: Bearer abcdefghijklmnop PASSWORD=hunter22 key ' +
        'sk_live_abcdefghijklmnopqrstu, echoed knownsecretvalue',
      ['knownsecretvalue'],
    );
    for (const secret of [
      'pw123456',
      'abcdefghijklmnop',
      'hunter22',
      'sk_live_abcdefghijklmnopqrstu',
      'knownsecretvalue',
    ])
      expect(text).not.toContain(secret);
  });

  it('masks phone numbers, e-mails and name fields in payloads, keeping the shape', () => {
    const masked = maskValue({
      phone: '+40 721 234 567',
      contact: { email: 'ana.pop@example.com', firstName: 'Ana' },
      note: 'call +40721234567 or ana.pop@example.com',
      score: 87,
    }) as Record<string, unknown>;
    const text = JSON.stringify(masked);
    for (const pii of ['721 234 567', '+40721234567', 'ana.pop@example.com', '"Ana"']) expect(text).not.toContain(pii);
    expect(masked.score).toBe(87);
  });

  it('stored output is redacted and truncated', () => {
    const stored = redactForStorage(`token=abc123456789 phone +40721234567 ${'x'.repeat(100)}`, 40);
    expect(stored).not.toContain('abc123456789');
    expect(stored).not.toContain('40721234567');
    expect(stored).toContain('[truncated');
  });

  it('GitHub annotations escape what would break the workflow command', () => {
    expect(formatAnnotation({ level: 'error', file: 'a,b.sql', line: 3, message: 'bad\nthing 100%' })).toBe(
      '::error file=a%2Cb.sql,line=3::bad%0Athing 100%25',
    );
  });
});

describe('tables fit the width decided once per command', () => {
  const rows = [
    { id: 'dlq-replay', text: 'Replay the webhook dead letters of one integration after the outage is over' },
  ];
  const columns = [
    { header: 'ID', value: (r: (typeof rows)[number]) => r.id },
    { header: 'TITLE', value: (r: (typeof rows)[number]) => r.text },
  ];
  const width = (text: string) => Math.max(...stripVTControlCharacters(text).split('\n').map(displayWidth));

  it('the width: COLUMNS or the terminal on a TTY, nothing (print everything) when piped', () => {
    expect(decideWidth({ isTTY: true, columns: 120 }, {})).toBe(120);
    expect(decideWidth({ isTTY: true, columns: 120 }, { COLUMNS: '80' })).toBe(80);
    expect(decideWidth({ isTTY: true }, { COLUMNS: 'wide' })).toBe(80);
    expect(decideWidth({ isTTY: false, columns: 120 }, { COLUMNS: '80' })).toBeUndefined();
  });

  it.each([
    [40, false],
    [40, true],
    [60, true],
    [30, false],
  ])('at %i columns (colour %s) every line fits and the id stays whole', (cols, color) => {
    const text = renderTable(rows, columns, color, cols);
    expect(width(text)).toBeLessThanOrEqual(cols);
    expect(text).toContain('dlq-replay');
    expect(text).toContain('…');
  });

  it('without a width (piped) every cell is whole', () => {
    const text = renderTable(rows, columns, false, undefined);
    expect(text).toContain(rows[0]!.text);
    expect(text).not.toContain('…');
  });

  it('cuts by screen columns, wide characters and colour codes included', () => {
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('abc', 3)).toBe('abc');
    expect(displayWidth('\u001b[31mred\u001b[39m')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth(truncateText('日本語テキスト', 7))).toBeLessThanOrEqual(7);
  });

  it('columns that fit their share keep it; the rest share what is left', () => {
    expect(fitColumns([5, 50, 50], 200)).toEqual([5, 50, 50]);
    const fitted = fitColumns([5, 50, 50], 45);
    expect(fitted[0]).toBe(5);
    expect(fitted.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(45);
  });
});

describe('progress is decided once: spinner on a terminal, lines with --progress, else nothing', () => {
  it.each([
    [{ stderrIsTTY: true, env: {} }, 'spinner'],
    [{ stderrIsTTY: true, env: { NO_COLOR: '1' } }, 'spinner'],
    [{ stderrIsTTY: true, env: { CI: 'true' } }, 'off'],
    [{ stderrIsTTY: true, env: { CI: 'true' }, progressFlag: true }, 'lines'],
    [{ stderrIsTTY: false, env: {} }, 'off'],
    [{ stderrIsTTY: false, env: {}, progressFlag: true }, 'lines'],
    [{ stderrIsTTY: true, env: { TERM: 'dumb' } }, 'off'],
  ])('%j → %s', (inputs, expected) => {
    expect(decideProgress(inputs)).toBe(expected);
  });
});
