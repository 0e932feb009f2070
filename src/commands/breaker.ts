// In-process tests load src/commands/<noun>.js from source (src/cli.ts loadModule); the build uses the folder.
// Delete once the source-mode loader picks src/commands/<noun>/index.ts itself.
export { register } from './breaker/index.js';
