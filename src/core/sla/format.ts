import type { SlaDefinition } from './catalogue.js';

/** An SLI value in its unit, for people: "99.953 %", "412 ms", "8.20 s". */
export function formatValue(value: number | null | undefined, unit: SlaDefinition['unit']): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'no data';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'percent':
      return `${trim(value, value >= 99 ? 3 : 2)} %`;
    case 'seconds':
      return value < 1 ? `${trim(value * 1000, 0)} ms` : `${trim(value, 2)} s`;
    case 'ratio':
      return trim(value, 4);
    case 'per_second':
      return `${trim(value, 2)}/s`;
  }
}

/**
 * A share as a percentage, exact when it has few decimals (a 0.0005 budget is "0.05 %", not
 * "0.1 %"), else one decimal, or two significant digits under 1 %.
 */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '–';
  if (!Number.isFinite(share)) return share > 0 ? '+Inf %' : '-Inf %';
  const pct = share * 100;
  // exact up to two decimals (four under 1 %, where budgets live: 0.05 %, 0.0125 %)
  for (let digits = 0; digits <= (Math.abs(pct) >= 1 ? 2 : 4); digits++) {
    if (Math.abs(Number(pct.toFixed(digits)) - pct) <= 1e-9 * Math.max(1, Math.abs(pct)))
      return `${trim(pct, digits)} %`;
  }
  if (Math.abs(pct) >= 1) return `${trim(pct, 1)} %`;
  return `${Number(pct.toPrecision(2))} %`;
}

export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '–';
  return trim(rate, rate >= 10 ? 1 : 2);
}

export function describeObjective(sla: Pick<SlaDefinition, 'direction' | 'objective' | 'unit'>): string {
  return `${sla.direction === 'higher' ? '≥' : '≤'} ${formatValue(sla.objective, sla.unit)}`;
}

function trim(n: number, digits: number): string {
  return n
    .toFixed(digits)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}
