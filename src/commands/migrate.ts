// The built CLI loads src/commands/migrate/index.ts (tsup picks the folder); this re-export lets
// the in-process tests, which import ./commands/migrate.js from the sources, find it too.
export { register } from './migrate/index.js';
