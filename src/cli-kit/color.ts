import { styleText } from 'node:util';

export interface ColorInputs {
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** false when --no-color was given */
  colorFlag?: boolean;
}

/**
 * Decided once per process and passed to every renderer: chalk ignores NO_COLOR and cli-table3
 * colours even when piped, so neither may decide for itself.
 */
export function decideColor({ isTTY, env, colorFlag }: ColorInputs): boolean {
  if (colorFlag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

const STYLES = ['bold', 'dim', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'gray'] as const;
type StyleName = (typeof STYLES)[number];

/** chalk's call shape (`palette.red(text)`, `palette.bold.red(text)`) on Node's own styleText. */
export type Palette = ((text: string) => string) & { readonly [K in StyleName]: Palette };

function palette(styles: readonly StyleName[], color: boolean): Palette {
  const apply = (text: string) => (color ? styles.reduceRight((t, style) => styleText(style, t), text) : text);
  for (const style of STYLES) Object.defineProperty(apply, style, { get: () => palette([...styles, style], color) });
  return apply as Palette;
}

/** Styles that are no-ops when colour is off; styleText in Node 20 always emits codes, so we decide. */
export function makeChalk(color: boolean): Palette {
  return palette([], color);
}
