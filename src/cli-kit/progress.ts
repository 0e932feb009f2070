import type { Writable } from 'node:stream';

/**
 * How long work shows itself on stderr: a spinner on a terminal (plain, without colour, under
 * NO_COLOR), one line per phase when not a terminal and --progress was given, else nothing so
 * CI logs and pipes stay clean. Decided once per command (makeContext).
 */
export type ProgressMode = 'spinner' | 'lines' | 'off';

export function decideProgress(inputs: {
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  progressFlag?: boolean;
}): ProgressMode {
  const terminal = inputs.stderrIsTTY && !inputs.env.CI && inputs.env.TERM !== 'dumb';
  if (terminal) return 'spinner';
  return inputs.progressFlag ? 'lines' : 'off';
}

export interface Progress {
  /** whether anything is shown (a spinner or lines): work that only feeds the display can be skipped */
  shown: boolean;
  /** the phase now running, named as the operator knows it ("applying migration 3 of 10") */
  update(phase: string): void;
  /** clears the spinner line; idempotent */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const NOOP: Progress = { shown: false, update() {}, stop() {} };

/** One spinner or progress line at a time per stream: a second start replaces the first. */
const active = new WeakMap<Writable, Progress>();

export interface ProgressTarget {
  stderr: Writable;
  progress: ProgressMode;
  color: boolean;
}

/** Clears a running spinner's line before other text goes to the terminal; it redraws on its next tick. */
export function clearProgressLine(stderr: Writable): void {
  const progress = active.get(stderr);
  if (progress && spinning.has(progress)) stderr.write('\r\x1b[2K');
}

const spinning = new WeakSet<Progress>();

/** Shows `phase` on stderr as the target's mode says; stop() when the work ends (also on error). */
export function startProgress(target: ProgressTarget, phase: string): Progress {
  const { stderr } = target;
  active.get(stderr)?.stop();
  if (target.progress === 'off') return NOOP;
  if (target.progress === 'lines') {
    let last = '';
    const say = (text: string) => {
      if (text !== last) stderr.write(`progress: ${text}\n`);
      last = text;
    };
    say(phase);
    const progress: Progress = { shown: true, update: say, stop: () => void active.delete(stderr) };
    active.set(stderr, progress);
    return progress;
  }
  let text = phase;
  let frame = 0;
  let stopped = false;
  const draw = () => {
    const mark = FRAMES[frame++ % FRAMES.length]!;
    stderr.write(`\r\x1b[2K${target.color ? `\x1b[36m${mark}\x1b[39m` : mark} ${text}`);
  };
  draw();
  const timer = setInterval(draw, 80);
  // a spinner never keeps the process alive by itself
  timer.unref();
  const progress: Progress = {
    shown: true,
    update(next) {
      text = next;
      if (!stopped) draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stderr.write('\r\x1b[2K');
      active.delete(stderr);
    },
  };
  active.set(stderr, progress);
  spinning.add(progress);
  return progress;
}

/**
 * The `onProgress(phase)` callback core functions take: a phase starts the display or renames it,
 * undefined ends it. Returns the callback and a stop for the caller's finally.
 */
export function progressCallback(target: ProgressTarget): {
  onProgress: (phase: string | undefined) => void;
  stop(): void;
} {
  let progress: Progress | undefined;
  return {
    onProgress(phase) {
      if (phase === undefined) {
        progress?.stop();
        progress = undefined;
      } else if (progress) progress.update(phase);
      else progress = startProgress(target, phase);
    },
    stop: () => progress?.stop(),
  };
}
