import { describe, expect, it } from 'vitest';
import {
  defineEvent,
  EventRegistry,
  LeadCreated,
  LeadScored,
  platformEvents,
  registryFromJson,
  registryToJson,
} from '../src/core/events/index.js';
import { formatPath, shownValue } from '../src/core/events/masking.js';
import { z } from 'zod';

describe('event registry', () => {
  it('registers the platform types the services import', () => {
    const types = platformEvents()
      .types()
      .map((d) => d.type);
    expect(types).toEqual([
      'AppointmentScheduled',
      'ConsentRecorded',
      'LeadAssigned',
      'LeadConverted',
      'LeadCreated',
      'LeadLost',
      'LeadQualified',
      'LeadScored',
      'MessageSent',
    ]);
  });

  it('upcasts a v1 payload to the latest version and validates it', () => {
    const registry = platformEvents();
    const lead = registry.read(LeadCreated, 1, {
      leadId: 'l-1',
      phone: '+40722123456',
      name: 'Ana',
      source: 'whatsapp',
      createdAt: '2026-11-01T10:00:00Z',
    });
    expect(lead.contact).toEqual({ phone: '+40722123456', name: 'Ana' });
    const scored = registry.read(LeadScored, 1, {
      leadId: 'l-1',
      score: 85,
      model: 'gpt-4o',
      scoredAt: '2026-11-01T10:00:00Z',
    });
    expect(scored).toMatchObject({ classification: 'HOT', confidence: 0.5 });
    expect(() => registry.read(LeadCreated, 3, {})).toThrow(/no version 3/);
  });

  it('reports upcaster coverage: a version reaches the latest only when every step has an upcaster', () => {
    const any = z.object({});
    const registry = new EventRegistry([
      defineEvent({
        type: 'X',
        aggregateType: 'A',
        description: '',
        versions: [
          { version: 1, schema: any, upcast: (p) => p },
          { version: 2, schema: any },
          { version: 3, schema: any },
        ],
      }),
    ]);
    expect(registry.coverage('X').map((c) => [c.version, c.upcaster, c.reachesLatest])).toEqual([
      [1, true, false],
      [2, false, false],
      [3, false, true],
    ]);
    expect(() => registry.upcast('X', 1, {})).toThrow(/no upcaster from version 2 to 3/);
  });

  it('refuses versions that are not 1, 2, 3 … and a type registered twice', () => {
    const any = z.object({});
    expect(() =>
      defineEvent({ type: 'Y', aggregateType: 'A', description: '', versions: [{ version: 2, schema: any }] }),
    ).toThrow(/version 2 is listed where version 1 belongs/);
    expect(() => new EventRegistry([LeadCreated, LeadCreated])).toThrow(/registered twice/);
  });

  it('round-trips through the JSON registry file: schemas still reject what they rejected', () => {
    const back = registryFromJson(JSON.parse(JSON.stringify(registryToJson(platformEvents()))), 'x.json');
    expect(back.coverage('LeadCreated').map((c) => c.reachesLatest)).toEqual([true, true]);
    const schema = back.version('LeadScored', 2)!.schema;
    expect(
      schema.safeParse({
        leadId: 'l',
        score: 101,
        classification: 'HOT',
        confidence: 1,
        model: 'm',
        scoredAt: '2026-11-01T10:00:00Z',
      }).success,
    ).toBe(false);
    expect(
      schema.safeParse({
        leadId: 'l',
        score: 100,
        classification: 'HOT',
        confidence: 1,
        model: 'm',
        scoredAt: '2026-11-01T10:00:00Z',
      }).success,
    ).toBe(true);
    expect(() => registryFromJson({ format: 2 }, 'bad.json')).toThrow(/bad.json is not an event registry file/);
  });

  it('masks the value it shows for a failing path', () => {
    const payload = { contact: { phone: '0722 123 456', note: 'call ana.pop@example.com' }, items: [{ price: -1 }] };
    expect(shownValue(payload, ['contact', 'phone'])).toBe('[masked]');
    expect(shownValue(payload, ['contact', 'note'])).not.toContain('ana.pop');
    expect(shownValue(payload, ['items', 0, 'price'])).toBe('-1');
    expect(shownValue(payload, ['missing'])).toBe('missing');
    expect(formatPath(['items', 0, 'price'])).toBe('items[0].price');
  });
});

describe('the package entry', () => {
  it('exports the event types, the registry and the event-store operations to services', async () => {
    const entry = 'medicalcor/core';
    const core = (await import(entry)) as typeof import('../src/core/index.js');
    expect(
      core
        .platformEvents()
        .types()
        .map((d) => d.type),
    ).toContain('AppointmentScheduled');
    expect(core.LeadScored.versions).toHaveLength(2);
    for (const name of [
      'checkStoredEvents',
      'ProjectionHealthMonitor',
      'SnapshotStore',
      'listSagas',
      'replayDeadLetters',
      'defineEvent',
    ] as const) {
      expect(typeof core[name], name).toBe('function');
    }
  });
});
