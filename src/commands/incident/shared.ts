import { defaultActor } from '../../core/config/index.js';
import type { Queryable } from '../../core/journey/writers.js';
import type { CommandContext } from '../context.js';

/** What every incident verb needs: who acts, and the primary database (the record is written there). */
export async function incidentDeps(ctx: CommandContext, verb: string): Promise<{ db: Queryable; actor: string }> {
  ctx.label = `medicalcor incident ${verb}`;
  const database = await ctx.systems.database();
  return { db: database.pool, actor: defaultActor(ctx.streams.env) };
}
