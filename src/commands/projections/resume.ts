export { registerResume, type Options } from './pause.js';
