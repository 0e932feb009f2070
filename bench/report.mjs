// Renders bench/figures.json (written by `node bench/compare.mjs --record`) as the figures table of
// bench/README.md, between its <!-- figures:start --> and <!-- figures:end --> markers, so the table
// always shows what was recorded, with the date and the machine's load of that run.
//   node bench/report.mjs          print the table
//   node bench/report.mjs --write  replace the table in bench/README.md
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recordedRuns } from './lib/figures.mjs';

const dir = fileURLToPath(new URL('.', import.meta.url));
const recorded = JSON.parse(readFileSync(`${dir}figures.json`, 'utf8'));
const runs = recordedRuns(recorded);
const { figures } = recorded;

const number = (v) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(+v.toPrecision(3)));
const goalOf = (f) =>
  f.goal === null || f.goal === undefined ? '' : `${f.better === 'higher' ? '≥' : '≤'} ${number(f.goal)}`;
const verdictOf = (f) => {
  if (f.goal === null || f.goal === undefined) return '';
  const met = f.better === 'higher' ? f.value >= f.goal : f.value <= f.goal;
  return met ? 'met' : '**not met**';
};
const count = (run) => Object.values(figures).filter((f) => f.run === run.id).length;
const runLine = ({ id, recordedAt, machine: m }) =>
  `Run ${id}: ${recordedAt.slice(0, 16).replace('T', ' ')} UTC on ${m.cpus} cores, ` +
  `${count({ id })} figures; machine load:\n` +
  `\`node -e 0\` ${m.nodeE0MsBefore} ms before and ${m.nodeE0MsAfter} ms after, ` +
  `load average ${m.loadavgBefore} → ${m.loadavgAfter}.`;

const lines = [
  ...runs.map(runLine).flatMap((line, i) => (i ? ['', line] : [line])),
  '',
  '| figure | measured | goal | verdict | run | data shape |',
  '| --- | --- | --- | --- | --- | --- |',
  ...Object.entries(figures)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, f]) =>
        `| ${name} | ${number(f.value)} ${f.unit} | ${goalOf(f)} | ${verdictOf(f)} | ${f.run} | ${f.shape ?? ''} |`,
    ),
];
const table = lines.join('\n');

if (process.argv.includes('--write')) {
  const readme = `${dir}README.md`;
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- figures:start -->';
  const end = '<!-- figures:end -->';
  if (!text.includes(start) || !text.includes(end)) throw new Error(`bench/README.md lacks ${start} ... ${end}`);
  writeFileSync(
    readme,
    `${text.slice(0, text.indexOf(start) + start.length)}\n${table}\n${text.slice(text.indexOf(end))}`,
  );
  console.log(`bench/README.md: ${Object.keys(figures).length} figures`);
} else console.log(table);
