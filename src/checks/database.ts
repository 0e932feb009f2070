import { describeEmbedded, probe } from './support.js';
import { pass, type Check } from './types.js';

export const databaseCheck: Check = {
  id: 'database',
  title: 'Database reachable',
  required: true,
  run: (ctx) =>
    probe(
      'Check that the database is up and the URL (MEDICALCOR_DATABASE_URL, --database-url or databaseUrl in the ' +
        'config) is right.',
      async () => {
        const db = await ctx.database();
        const { rows } = await db.pool.query<{ version: string }>(
          "select current_setting('server_version') as version",
        );
        return pass(`${db.embedded ? describeEmbedded(ctx.config) : 'PostgreSQL'} ${rows[0]!.version} answers`);
      },
    ),
};
