// Start-up cost of the shell, as ratios to `node -e 0` measured in the same run (medians of
// interleaved runs on fresh processes): `--help`, a noun's help with the central help footer
// (examples, exit codes, docs), and what one TAB costs with the completion script
// (`medicalcor __complete migrate ''` loads the noun's module to list its verbs).
import { fileURLToPath } from 'node:url';
import { fmt, medianOfInterleaved, timeProcess } from './lib/measure.mjs';

const bin = fileURLToPath(new URL('../bin/medicalcor', import.meta.url));
const runs = Number(process.env.RUNS ?? 21);
const result = medianOfInterleaved(
  {
    node: () => timeProcess(process.execPath, ['-e', '0']),
    help: () => timeProcess(process.execPath, [bin, '--help']),
    migrateHelp: () => timeProcess(process.execPath, [bin, 'migrate', '--help']),
    migrateUpHelp: () => timeProcess(process.execPath, [bin, 'migrate', 'up', '--help']),
    completeNoun: () => timeProcess(process.execPath, [bin, '__complete', 'mi']),
    completeVerb: () => timeProcess(process.execPath, [bin, '__complete', 'migrate', '']),
  },
  runs,
);
const ratio = (ms) => `×${(ms / result.node).toFixed(2)}`;
console.log(`node -e 0 (baseline):                    ${fmt(result.node)}`);
console.log(`medicalcor --help:                       ${fmt(result.help)}  ${ratio(result.help)} (goal ≤ 1.3)`);
console.log(`medicalcor migrate --help:               ${fmt(result.migrateHelp)}  ${ratio(result.migrateHelp)}`);
console.log(`medicalcor migrate up --help:            ${fmt(result.migrateUpHelp)}  ${ratio(result.migrateUpHelp)}`);
console.log(`TAB after "medicalcor mi" (__complete):  ${fmt(result.completeNoun)}  ${ratio(result.completeNoun)}`);
console.log(`TAB after "medicalcor migrate ":         ${fmt(result.completeVerb)}  ${ratio(result.completeVerb)}`);
console.log(`(medians of ${runs} interleaved runs each, fresh processes)`);
