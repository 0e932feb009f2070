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

export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '–';
  return `${trim(share * 100, 1)} %`;
}

export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '–';
  return trim(rate, rate >= 10 ? 1 : 2);
}

export function describeObjective(sla: Pick<SlaDefinition, 'direction' | 'objective' | 'unit'>): string {
  return `${sla.direction === 'higher' ? '≥' : '≤'} ${formatValue(sla.objective, sla.unit)}`;
}

function trim(n: number, digits: number): string {
  return n.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
