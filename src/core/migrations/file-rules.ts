import { relative } from 'node:path';
import type { MigrationsDir } from './files.js';
import type { Finding } from './findings.js';

/** Only comments and whitespace: a down section that would do nothing. */
const isBlank = (sql: string) =>
  sql
    .replace(/--.*$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .trim() === '';

/** What dbmate lets pass silently: several sections, missing or empty down, two files with one version. */
export function checkFiles({ files, misnamed, dir }: MigrationsDir, cwd: string): Finding[] {
  const findings: Finding[] = [];
  const show = (path: string) => relative(cwd, path) || path;
  for (const name of misnamed) {
    findings.push({
      code: 'bad-filename',
      severity: 'warning',
      file: show(`${dir}/${name}`),
      message: `${name} is not named VERSION_name.sql; dbmate ignores it.`,
      hint: 'Rename it, e.g. with a timestamp version like 20250101120000_add_table.sql.',
    });
  }
  const byVersion = new Map<string, string[]>();
  for (const f of files) byVersion.set(f.version, [...(byVersion.get(f.version) ?? []), f.filename]);
  for (const [version, names] of byVersion) {
    if (names.length > 1) {
      findings.push({
        code: 'duplicate-version',
        severity: 'error',
        version,
        file: show(`${dir}/${names[1]}`),
        line: 1,
        message: `version ${version} is used by ${names.length} files: ${names.join(', ')}.`,
        hint: 'Give each migration its own version (medicalcor migrate new NAME makes one).',
      });
    }
  }
  for (const f of files) {
    const file = show(f.path);
    if (f.upCount === 0)
      findings.push({
        code: 'missing-up',
        severity: 'error',
        file,
        line: 1,
        version: f.version,
        message: `${f.filename} has no "-- migrate:up" section.`,
      });
    if (f.upCount > 1)
      findings.push({
        code: 'multiple-up',
        severity: 'error',
        file,
        line: 1,
        version: f.version,
        message: `${f.filename} has ${f.upCount} "-- migrate:up" sections; dbmate runs only one.`,
        hint: 'Merge them into one up section.',
      });
    if (f.downCount > 1)
      findings.push({
        code: 'multiple-down',
        severity: 'error',
        file,
        line: 1,
        version: f.version,
        message: `${f.filename} has ${f.downCount} "-- migrate:down" sections; dbmate runs only one.`,
        hint: 'Merge them into one down section.',
      });
    if (f.downCount === 0) {
      findings.push({
        code: 'missing-down',
        severity: 'error',
        file,
        line: 1,
        version: f.version,
        message: `${f.filename} has no "-- migrate:down" section: it cannot be rolled back.`,
        hint: 'Add a down section that undoes the up section.',
      });
    } else if (f.down && isBlank(f.down.sql)) {
      findings.push({
        code: 'empty-down',
        severity: 'error',
        file,
        line: f.down.startLine - 1,
        version: f.version,
        message: `${f.filename} has an empty down section: rolling it back would do nothing.`,
        hint: 'Write the SQL that undoes the up section.',
      });
    }
  }
  return findings;
}
