import { resolve } from 'node:path';
import { displayPath, note, renderYaml, writeFileAtomically, writeOut } from '../../cli-kit/index.js';
import { serializeSnapshot } from '../../core/schema/index.js';
import type { CommandContext } from '../context.js';
import { labelOf, loadDeps, loadSource, progressFor, resolveSource, type ShadowOptions } from './shared.js';

export interface Options extends ShadowOptions {
  from: string;
  out?: string;
}

export async function run(ctx: CommandContext, options: Options): Promise<void> {
  ctx.label = 'medicalcor schema dump';
  const format = ctx.format(['table', 'json', 'yaml'], 'json');
  const source = resolveSource(ctx, options.from);
  const progress = progressFor(ctx);
  const model = await loadSource(ctx, source, loadDeps(ctx, options, progress.onProgress)).finally(progress.stop);
  const text = format === 'yaml' ? renderYaml(JSON.parse(serializeSnapshot(model))) : serializeSnapshot(model);
  if (!options.out) return writeOut(ctx.io, text);
  const target = resolve(ctx.streams.cwd, options.out);
  writeFileAtomically(target, text, { what: 'the snapshot' });
  note(ctx.io, `wrote ${displayPath(ctx.streams.cwd, target)} (${model.objects.size} objects from ${labelOf(source)})`);
}
