/**
 * The one masking policy (core/mask): unit rules, and the corpus of PII and look-alikes through
 * every output format of `trace` (table, JSON, YAML, HTML, waterfall, --failed). Leaks must be 0;
 * the number of look-alikes masked anyway (false masks) is computed and printed in the test name.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { startTriggerFake, type TriggerFake } from './fakes/trigger-dev.js';
import { FIELD_NAMES, LOOK_ALIKES, PII, withLuhn } from './trace-mask-corpus.js';
import { addDeadLetter, appendDomainEvent, logIntegrationCall, saveSagaState } from '../src/core/journey/index.js';
import {
  createMasker,
  isCardNumber,
  isValidCnp,
  isValidIban,
  KnownNames,
  maskText,
  maskValue,
} from '../src/core/mask/index.js';

const known = new KnownNames();
for (const name of FIELD_NAMES) known.add(name);
/** look-alikes the policy masks anyway, decided by the policy itself (so the count is computed, not typed) */
const falseMasks = LOOK_ALIKES.filter(
  (value) => !maskText(`note: ${value} end`, { knownNames: known }).includes(value),
);
const kept = LOOK_ALIKES.filter((value) => !falseMasks.includes(value));

function leaksIn(output: string): string[] {
  const text = output
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return PII.flatMap((value) =>
    value.leaks.filter((fragment) => text.includes(fragment)).map((fragment) => `${value.kind}: ${fragment}`),
  );
}

describe('masking rules', () => {
  it.each([
    ['call (0721) 234 567 now', 'call +***67 now'],
    ['+40 721 234 567', '+***67'],
    ['0040.721.234.567', '+***67'],
    ['mail ion.popescu%40gmail.com', 'mail i***@***.com'],
    ['https://x.ro/?email=ion.popescu%40gmail.com&x=1', 'https://x.ro/?email=i***@***.com&x=1'],
    ['failed for Ion Popescu CNP 1850203123450', 'failed for [masked] CNP [masked cnp]'],
    ['IBAN RO49 AAAA 1B31 0075 9384 0000 paid', 'IBAN [masked iban] paid'],
    ['card 4111 1111 1111 1111 declined', 'card [masked card] declined'],
    ['name=Ion+Popescu&src=wa', 'name=[masked]&src=wa'],
    ['Dna. Ioana Vasile a sunat', 'Dna. [masked] a sunat'],
    ['contact exists for Ion Popescu, +40 721 234 567', 'contact exists for [masked], +***67'],
    ['sync failed pentru Ion Popescu', 'sync failed pentru [masked]'],
    ['call (+40) 721 234 567', 'call +***67'],
    ['tel%3A%2B40721234567', 'tel%3A+***67'],
    ['https://x.ro/pay?iban=ro49aaaa1b31007593840000', 'https://x.ro/pay?iban=[masked iban]'],
    ["booked for Sean O'Brien", 'booked for [masked]'],
    ['name=ana-maria&x=1', 'name=[masked]&x=1'],
    ['name=ion_popescu85 joined', 'name=[masked] joined'],
  ])('%j -> %j', (input, output) => expect(maskText(input)).toBe(output));

  it.each([
    'version 20251120.1',
    'on 2025-11-20 at 10:00',
    '01.12.2025 10:00',
    'corr 0b6f2c1e-8d7a-4c55-9a53-2f1f0c8e4d11',
    'journey 4711000123',
    'HTTP 502 after 1500 ms',
    '$0.0046 for 1450 tokens',
    '1234.56 RON',
    'req_0721234567',
    'failed for HubSpot',
    '1764547200000',
    'task name=score-lead failed',
    '{"name":"sync-hubspot-v2"}',
    'Dl. Director',
  ])('leaves %j alone', (text) => expect(maskText(text)).toBe(text));

  it('checksums: a CNP, IBAN or card with one digit changed is not masked as one', () => {
    expect(isValidCnp('1850203123450')).toBe(true);
    expect(isValidCnp('1850203123451')).toBe(false);
    expect(isValidIban('RO49AAAA1B31007593840000')).toBe(true);
    expect(isValidIban('RO49AAAA1B31007593840001')).toBe(false);
    expect(isCardNumber('4111111111111111')).toBe(true);
    expect(isCardNumber('4111111111111112')).toBe(false);
    expect(maskText('ref 1850203123451')).toBe('ref 1850203123451');
  });

  const cardsTitle =
    'cards: every length from 13 to 19 digits a scheme issues is masked; an 18-digit ID no scheme issues is not';
  it(cardsTitle, () => {
    // Visa 13, Diners 14, Amex 15, Mastercard 16, JCB 17, UnionPay 18, Maestro 19 (all pass Luhn)
    for (const card of [
      '4222222222222',
      '30569309025904',
      '378282246310005',
      '5555555555554444',
      withLuhn('3528000000000000'),
      withLuhn('62000000000000000'),
      withLuhn('675900000000000000'),
      '6205500000000000004',
    ]) {
      expect(isCardNumber(card), card).toBe(true);
      expect(maskText(`card ${card} declined`)).toBe('card [masked card] declined');
    }
    // pass Luhn, but Discover (65) issues 16 and 19 digits, Visa 13/16/19, nobody 18 digits starting 1, 7 or 9
    for (const id of ['653239047097740641', withLuhn('40000000000000000'), withLuhn('11760303107291734')]) {
      expect(id).toHaveLength(18);
      expect(isCardNumber(id), id).toBe(false);
      expect(maskText(`corr ${id}`)).toBe(`corr ${id}`);
    }
  });

  it('a text with thousands of masks is masked as its lines are one by one (the output is joined in chunks)', () => {
    const lines = Array.from({ length: 5_000 }, (_, k) => `line ${k}: for Ion Popescu, +40 721 234 5${k % 10}${k % 7}`);
    expect(maskText(lines.join('\n'))).toBe(lines.map((line) => maskText(line)).join('\n'));
    expect(maskText(lines.join('\n'))).not.toMatch(/Popescu|721 234/);
  });

  it('keeps the correlation ID being traced even when it looks like a phone number', () => {
    expect(maskText('retry of 0740123456 queued', { keep: ['0740123456'] })).toBe('retry of 0740123456 queued');
    expect(maskText('retry of 0740123456 queued')).toBe('retry of +***56 queued');
  });

  it('a masker keeps thousands of listed IDs (as --failed does), sharing a prefix too, and masks the rest', () => {
    const ids = Array.from({ length: 3_000 }, (_, k) => `07401${String(k).padStart(5, '0')}`);
    const masker = createMasker({ keep: [...ids, 'corr-1', 'corr-1-retry'] });
    for (const id of [ids[0]!, ids[1_234]!, ids[2_999]!])
      expect(masker.text(`retry of ${id} queued`)).toBe(`retry of ${id} queued`);
    expect(masker.text('retry of 0740199999 queued')).toBe('retry of +***99 queued');
    // one kept value a prefix of another: both stay whole
    expect(masker.text('corr-1-retry for Ion Popescu')).toBe('corr-1-retry for [masked]');
  });

  it('a masker learns names from patient-data fields and from cues, then masks them everywhere', () => {
    const masker = createMasker();
    masker.learn({ payload: { contact: { fullName: 'Ștefan Vasilescu' } }, error: 'rejected pentru Elena Stan' });
    expect(masker.text('Vasilescu called; Stefan too; Elena Stan again; Stan alone')).toBe(
      '[masked] called; [masked] too; [masked] again; [masked] alone',
    );
    expect(masker.value({ phone: 40721234567, nested: { note: 'Vasilescu' }, score: 87 })).toEqual({
      phone: '[masked]',
      nested: { note: '[masked]' },
      score: 87,
    });
  });

  it('the journey writers mask error texts at write (what a careless service passes in is not stored)', async () => {
    const rows: unknown[][] = [];
    const db = {
      query: async (_sql: string, params?: unknown[]) => {
        rows.push(params ?? []);
        return { rows: [{ id: 1, saga_id: 's' }] };
      },
    };
    await logIntegrationCall(db, {
      service: 'hubspot',
      direction: 'outbound',
      operation: 'x',
      status: 'failure',
      errorMessage: 'exists for Ion Popescu, +40 721 234 567',
    });
    await addDeadLetter(db, {
      webhookType: 'hubspot',
      payload: { phone: '+40721234567' },
      lastError: 'failed pentru Ion Popescu',
    });
    await saveSagaState(db, {
      sagaType: 'x',
      correlationId: 'c',
      status: 'failed',
      error: 'ion.popescu@gmail.com rejected',
    });
    const stored = JSON.stringify(rows);
    expect(stored).not.toMatch(/Popescu|721 234 567|ion\.popescu@/);
    // the dead letter's payload is kept whole: the DLQ replays it
    expect(stored).toContain('+40721234567');
  });

  it('maskValue masks scalars under PII keys and turns Dates into ISO strings', () => {
    expect(maskValue({ phone: '+40 721', patientCnp: 1850203123450, at: new Date(0), cnp2: 1850203123450 })).toEqual({
      phone: '[masked]',
      patientCnp: '[masked]',
      at: '1970-01-01T00:00:00.000Z',
      cnp2: '[masked cnp]',
    });
  });

  const adversarialTitle =
    'adversarial input of 100,000 characters is masked in one pass (what made the old regular expression quadratic)';
  it(adversarialTitle, () => {
    // not a timing assertion: the result is checked, the bench measures the speed
    const digitsAndSpaces = '1 2 3 4 5 6 7 8 9 0 '.repeat(5_000);
    expect(maskText(digitsAndSpaces)).toBe(digitsAndSpaces);
    const soup = 'a@'.repeat(50_000);
    expect(maskText(soup)).toBe(soup);
  });
});

const corpusTitle =
  `the PII corpus (${PII.length} values to mask, ${LOOK_ALIKES.length} look-alikes)` + ' through every output format';
describe(corpusTitle, () => {
  let db: TestDatabase;
  let fake: TriggerFake;
  let env: Record<string, string>;
  const correlationId = 'corpus-journey-0001';
  const outputs: Record<string, string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'medicalcor-corpus-'));

  beforeAll(async () => {
    db = await createTestDatabase('mc_trace_mask');
    await applySchema(db.url);
    const start = new Date(Date.now() - 30 * 60_000);
    const at = (ms: number) => new Date(start.getTime() + ms);
    const notes = PII.map((value) => `contact: ${value.text} (lead)`);
    await appendDomainEvent(db.pool, {
      aggregateId: 'lead-corpus',
      aggregateType: 'Lead',
      eventType: 'LeadCreated',
      correlationId,
      occurredAt: at(0),
      payload: {
        name: FIELD_NAMES[0],
        contact: { fullName: FIELD_NAMES[1], firstName: FIELD_NAMES[2], patientName: FIELD_NAMES[3] },
        notes,
        samples: LOOK_ALIKES,
      },
    });
    // every value also in the one-line texts: errors of each source (the writers mask some at write)
    for (const [index, value] of PII.entries()) {
      const ms = 1_000 + index * 10;
      const reason = `HubSpot rejected ${value.text} for the booking`;
      if (index % 4 === 0)
        await appendDomainEvent(db.pool, {
          aggregateId: 'lead-corpus',
          aggregateType: 'Lead',
          eventType: 'LeadSyncFailed',
          correlationId,
          occurredAt: at(ms),
          payload: { reason },
        });
      else if (index % 4 === 1)
        await logIntegrationCall(db.pool, {
          service: 'hubspot',
          direction: 'outbound',
          operation: 'createContact',
          correlationId,
          status: 'failure',
          errorMessage: reason,
          occurredAt: at(ms),
        });
      else if (index % 4 === 2)
        await addDeadLetter(db.pool, {
          webhookType: 'whatsapp',
          correlationId,
          payload: { text: reason },
          lastError: reason,
          createdAt: at(ms),
        });
      else
        await saveSagaState(db.pool, {
          sagaType: 'onboarding',
          correlationId,
          status: 'failed',
          at: at(ms),
          error: reason,
          step: { step: 'sync', status: 'failed', error: reason },
        });
      // --failed shows each journey's first failure: one journey per value
      await appendDomainEvent(db.pool, {
        aggregateId: `lead-${index}`,
        aggregateType: 'Lead',
        eventType: 'LeadScoringFailed',
        correlationId: `corpus-failed-${index}`,
        occurredAt: new Date(Date.now() - 60_000),
        payload: { reason, contact: { name: FIELD_NAMES[index % 4] } },
      });
    }
    fake = await startTriggerFake({
      runs: [
        {
          id: 'run_corpus',
          taskIdentifier: 'sync-hubspot',
          status: 'FAILED',
          tags: [`corr_${correlationId}`],
          createdAt: at(500),
          startedAt: at(510),
          finishedAt: at(900),
          error: { name: 'HubSpotError', message: PII.map((v) => v.text).join(' | ') },
        },
      ],
    });
    env = { MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_TRIGGER_URL: fake.url, TRIGGER_SECRET_KEY: fake.secretKey };
    const html = join(dir, 'report.html');
    const runs: Record<string, string[]> = {
      json: ['trace', correlationId, '-o', 'json'],
      yaml: ['trace', correlationId, '-o', 'yaml'],
      table: ['trace', correlationId],
      waterfall: ['trace', correlationId, '--view', 'waterfall'],
      html: ['trace', correlationId, '--html', html, '-o', 'json'],
      'failed table': ['trace', '--failed', '--since', '1h', '--limit', '5000'],
      'failed json': ['trace', '--failed', '--since', '1h', '--limit', '5000', '-o', 'json'],
    };
    for (const [format, args] of Object.entries(runs)) {
      const result = await runInProcess(args, { env });
      expect(result.exitCode, `${format}: ${result.stderr}`).toBe(3);
      outputs[format] = result.stdout + result.stderr;
    }
    outputs.html = readFileSync(html, 'utf8');
  }, 300_000);

  afterAll(async () => {
    await fake?.close();
    await db?.drop();
  });

  it.each(['json', 'yaml', 'table', 'waterfall', 'html', 'failed table', 'failed json'])('%s: 0 leaks', (format) => {
    expect(leaksIn(outputs[format]!)).toEqual([]);
  });

  const falseMaskList = falseMasks.join(', ') || 'none';
  const falseMaskCount = `${falseMasks.length} of ${LOOK_ALIKES.length} false masks: ${falseMaskList}`;
  it(`look-alikes survive in JSON, YAML and HTML (${falseMaskCount})`, () => {
    const samples = JSON.parse(outputs.json!).items.find((i: { name: string }) => i.name === 'LeadCreated').detail
      .payload.samples;
    expect(samples.filter((value: string, index: number) => value !== LOOK_ALIKES[index])).toEqual(
      falseMasks.map(() => expect.any(String)),
    );
    for (const value of kept) {
      expect(outputs.yaml).toContain(value);
      expect(
        outputs
          .html!.replace(/&amp;/g, '&')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'"),
      ).toContain(value);
    }
    // the --failed list shows every one of the failure journeys
    expect(
      JSON.parse(outputs['failed json']!).journeys.filter((j: { correlationId: string }) =>
        j.correlationId.startsWith('corpus-failed-'),
      ),
    ).toHaveLength(PII.length);
  });
});
