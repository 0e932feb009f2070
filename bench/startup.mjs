// `medicalcor --help` wall time ÷ `node -e 0` wall time (goal ≤ 1.3), medians of interleaved runs.
import { fileURLToPath } from 'node:url';
import { fmt, medianOfInterleaved, timeProcess } from './lib/measure.mjs';

const bin = fileURLToPath(new URL('../bin/medicalcor', import.meta.url));
const runs = Number(process.env.RUNS ?? 21);
const result = medianOfInterleaved(
  {
    node: () => timeProcess(process.execPath, ['-e', '0']),
    help: () => timeProcess(process.execPath, [bin, '--help']),
    migrateHelp: () => timeProcess(process.execPath, [bin, 'migrate', '--help']),
  },
  runs,
);
console.log(`node -e 0:                ${fmt(result.node)}`);
console.log(`medicalcor --help:        ${fmt(result.help)}`);
console.log(`medicalcor migrate --help: ${fmt(result.migrateHelp)}`);
console.log(`--help ÷ node -e 0:       ${(result.help / result.node).toFixed(2)} (goal ≤ 1.3; median of ${runs})`);
