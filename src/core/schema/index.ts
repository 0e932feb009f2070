export * from './model.js';
export * from './introspect.js';
export * from './snapshot.js';
export * from './diff.js';
export * from './shadow.js';
export * from './sources.js';
export * from './policy.js';
export * from './provenance.js';
export * from './check.js';
export * from './roundtrip.js';
export * from './cache-dir.js';
export * from './behaviours.js';
export * from './model-cache.js';
export * from './embedded-shadow.js';
export * from './fix-sql.js';
// the sample-events reader (zod, pg) loads only when a check has sample events
export * from './sample-events-file.js';
export type { SampleEvents, SampleEventsResult } from './sample-events.js';
