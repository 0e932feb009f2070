import { describe, expect, it } from 'vitest';
import {
  meanResponseTimes,
  parseIncidentId,
  responseTimes,
  severityOfLabels,
  type Incident,
  type TimelineEntry,
} from '../src/core/incidents/index.js';

const base: Incident = {
  id: 7,
  ref: 'INC-7',
  title: 't',
  severity: 'P2',
  status: 'resolved',
  commander: null,
  services: [],
  environment: 'prod',
  fingerprint: null,
  summary: 's',
  impactStartedAt: '2026-12-01T09:00:00.000Z',
  createdAt: '2026-12-01T09:04:00.000Z',
  acknowledgedAt: null,
  identifiedAt: null,
  resolvedAt: '2026-12-01T10:00:00.000Z',
  createdBy: 'a',
};

let n = 0;
const entry = (kind: TimelineEntry['kind'], at: string, facts: Record<string, unknown> = {}): TimelineEntry => ({
  id: ++n,
  occurredAt: `2026-12-01T${at}:00.000Z`,
  kind,
  actor: 'a',
  text: '',
  ref: null,
  facts,
});

describe('response times from the timeline', () => {
  it(
    'measures detect from the impact start, acknowledge and ' + 'identify from the opening, resolve from the impact',
    () => {
      const times = responseTimes(base, [
        entry('opened', '09:04'),
        entry('status', '09:10', { to: 'acknowledged' }),
        entry('status', '09:15', { to: 'investigating' }),
        entry('status', '09:34', { to: 'identified' }),
        entry('resolved', '10:00', { to: 'resolved' }),
      ]);
      expect(times).toEqual({
        detectMs: 4 * 60_000,
        acknowledgeMs: 6 * 60_000,
        identifyMs: 30 * 60_000,
        resolveMs: 60 * 60_000,
      });
    },
  );

  it('counts the first arrival at a phase, skips phases not reached, and a reopen un-resolves', () => {
    const times = responseTimes(base, [
      entry('opened', '09:04'),
      entry('status', '09:20', { to: 'identified' }),
      entry('resolved', '09:40', { to: 'resolved' }),
      entry('reopened', '09:50', { to: 'investigating' }),
    ]);
    expect(times.acknowledgeMs).toBe(16 * 60_000);
    expect(times.identifyMs).toBe(16 * 60_000);
    expect(times.resolveMs).toBeNull();
    expect(responseTimes(base, [entry('opened', '09:04')]).acknowledgeMs).toBeNull();
  });

  it('means leave out incidents that did not reach the phase', () => {
    const mean = meanResponseTimes([
      { detectMs: 1000, acknowledgeMs: 2000, identifyMs: null, resolveMs: 10_000 },
      { detectMs: 3000, acknowledgeMs: null, identifyMs: null, resolveMs: 20_000 },
    ]);
    expect(mean).toEqual({ detectMs: 2000, acknowledgeMs: 2000, identifyMs: null, resolveMs: 15_000 });
  });
});

describe('alert labels and IDs', () => {
  it('maps severities: explicit P-levels win, then critical/page/ticket/info', () => {
    expect(severityOfLabels({ priority: 'p1', severity: 'ticket' })).toBe('P1');
    expect(severityOfLabels({ severity: 'critical' })).toBe('P1');
    expect(severityOfLabels({ severity: 'page' })).toBe('P2');
    expect(severityOfLabels({ severity: 'ticket' })).toBe('P3');
    expect(severityOfLabels({})).toBe('P4');
  });

  it('reads INC-42, inc-42 and 42; refuses the rest', () => {
    expect(parseIncidentId('INC-42')).toBe(42);
    expect(parseIncidentId('inc-42')).toBe(42);
    expect(parseIncidentId(' 42 ')).toBe(42);
    expect(() => parseIncidentId('INC-')).toThrow(/not an incident ID/);
    expect(() => parseIncidentId('42; drop table incidents')).toThrow(/not an incident ID/);
  });
});
