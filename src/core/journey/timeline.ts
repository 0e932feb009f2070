import { SOURCES, type TimelineItem } from './types.js';

/** A timeline item with its place in the journey. */
export interface PlacedItem extends TimelineItem {
  /** from the first item's start */
  offsetMs: number;
  /** idle time since the previous item ended (0 when they overlap); absent for the first */
  gapMs?: number;
  firstFailure: boolean;
  afterFailure: boolean;
}

export interface Timeline {
  items: PlacedItem[];
  firstFailureIndex: number | null;
  startAt?: Date;
  endAt?: Date;
  spanMs: number;
}

const SOURCE_ORDER = new Map(SOURCES.map((s, i) => [s, i]));

/** Merges every source's items into one list ordered by time, marking the first failure and what followed. */
export function buildTimeline(items: readonly TimelineItem[]): Timeline {
  const sorted = items
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) =>
        a.item.at.getTime() - b.item.at.getTime() ||
        SOURCE_ORDER.get(a.item.source)! - SOURCE_ORDER.get(b.item.source)! ||
        a.index - b.index,
    )
    .map(({ item }) => item);
  if (sorted.length === 0) return { items: [], firstFailureIndex: null, spanMs: 0 };
  const start = sorted[0]!.at.getTime();
  let latestEnd = -Infinity;
  let previousEnd = -Infinity;
  let firstFailureIndex: number | null = null;
  const placed = sorted.map((item, index): PlacedItem => {
    const at = item.at.getTime();
    // against the previous item, not everything before: a saga spanning the whole journey would hide every gap
    const gapMs = index === 0 ? undefined : Math.max(0, at - previousEnd);
    previousEnd = item.endAt?.getTime() ?? at;
    latestEnd = Math.max(latestEnd, previousEnd);
    const isFirstFailure = firstFailureIndex === null && item.status === 'failed';
    if (isFirstFailure) firstFailureIndex = index;
    return {
      ...item,
      offsetMs: at - start,
      gapMs,
      firstFailure: isFirstFailure,
      afterFailure: firstFailureIndex !== null && !isFirstFailure,
    };
  });
  return {
    items: placed,
    firstFailureIndex,
    startAt: new Date(start),
    endAt: new Date(latestEnd),
    spanMs: latestEnd - start,
  };
}
