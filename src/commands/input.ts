import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { usageError } from '../cli-kit/index.js';
import type { CommandContext } from './context.js';

/** A file argument's text, or stdin's for "-"; a missing file is a usage error naming it. */
export async function readInput(ctx: CommandContext, file: string): Promise<{ text: string; source: string }> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.io.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return { text: Buffer.concat(chunks).toString('utf8'), source: 'stdin' };
  }
  try {
    return { text: readFileSync(resolve(ctx.streams.cwd, file), 'utf8'), source: file };
  } catch (error) {
    throw usageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}
