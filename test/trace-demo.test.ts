import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

// the embedded (PGlite) database of a fresh project directory: what a new user gets
const cwd = mkdtempSync(join(tmpdir(), 'mc-trace-demo-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('medicalcor demo: the sample journey', () => {
  it('loads a failing journey once into the embedded database and shows its trace', async () => {
    const first = await runCli(['demo'], { cwd });
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('== trace demo-journey-0001: sample journey loaded');
    const failureRow = first.stdout.split('\n').find((l) => l.includes('FAILED (first)'));
    expect(failureRow).toContain('hubspot outbound upsertContact');
    expect(first.stdout).not.toContain('+40721000111');
    expect(first.stdout).not.toContain('Elena Marinescu');

    const second = await runCli(['demo'], { cwd });
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('sample journey already loaded');

    const trace = await runCli(['trace', 'demo-journey-0001', '-o', 'json'], { cwd });
    expect(trace.exitCode).toBe(3);
    const parsed = JSON.parse(trace.stdout);
    // loaded once: the second demo did not write the journey again
    expect(parsed.items).toHaveLength(12);
    expect(parsed.sources.find((s: { source: string }) => s.source === 'trigger_runs').state).toBe('skipped');
    expect(trace.stderr).toContain('embedded database');
    // the demo's HubSpot error was written with the patient's name and phone: the writer masked them
    const failed = parsed.items.find((i: { error: string | null }) => i.error?.includes('Bad gateway'));
    expect(failed.error).toBe('HUBSPOT_502: Bad gateway while updating the contact for [masked] +***11');
  }, 240_000);
});
