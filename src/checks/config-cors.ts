import { fail, pass, skip, warn, type Check } from './types.js';

export const configCorsCheck: Check = {
  id: 'config-cors',
  title: 'CORS origins are explicit',
  required: true,
  async run(ctx) {
    const origins = ctx.config.corsOrigins;
    if (!origins) return skip('no corsOrigins in the configuration');
    const any = origins.filter((o) => o.trim() === '*');
    const patterns = origins.filter((o) => o.includes('*') && o.trim() !== '*');
    const nullOrigin = origins.filter((o) => o.trim() === 'null');
    const remedy =
      `List the exact origins (https://app.example.com) in environments.${ctx.config.envName}.` + 'corsOrigins.';
    if (any.length) {
      const where = ctx.config.production ? ' on a production environment' : '';
      const summary = `corsOrigins allows any origin ("*")${where}`;
      return ctx.config.production ? fail(summary, remedy) : warn(summary, remedy);
    }
    if (patterns.length || nullOrigin.length)
      return warn(`corsOrigins has ${[...patterns, ...nullOrigin].map((o) => `"${o}"`).join(', ')}`, remedy);
    return pass(`${origins.length} explicit origin(s)`);
  },
};
