import { z } from 'zod';
import { fill } from '../template.js';
import { defineStepKind } from './kind.js';
import type { StepDeps } from './types.js';

/** Ctrl-C at a prompt (inquirer's ExitPromptError / AbortPromptError) is an interruption, not a failure. */
function isPromptInterrupt(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'AbortError';
}

/** An instruction the operator carries out and acknowledges; never run in a dry run. */
export const manualKind = defineStepKind({
  kind: 'manual',
  schema: z.object({
    kind: z.literal('manual'),
    instruction: z.string().min(1),
  }),
  defaultTimeout: '1h',
  dryRun: 'never',
  check: (_action, step) =>
    step?.mutates
      ? [
          {
            field: 'mutates',
            message: "a manual step is the operator's; set mutates: false and describe the action in its instruction",
          },
        ]
      : [],
  render: (action, vars) => ({ kind: 'manual' as const, instruction: fill(action.instruction, vars) }),
  describe: (r) => `operator: ${r.instruction.trim()}`,
  async run(action, _mutates, deps) {
    let answer: Awaited<ReturnType<StepDeps['acknowledge']>>;
    try {
      answer = await deps.acknowledge(action.instruction);
    } catch (error) {
      if (isPromptInterrupt(error))
        return { ok: false, output: '', interrupted: true, error: 'interrupted at the prompt' };
      throw error;
    }
    switch (answer) {
      case 'acknowledged':
        return { ok: true, output: `acknowledged by ${deps.actor}` };
      case 'auto':
        return { ok: true, output: `acknowledged unattended by ${deps.actor}; nobody was asked` };
      case 'declined':
        return { ok: false, output: '', error: 'the operator did not acknowledge the instruction' };
      case 'no-terminal':
        return {
          ok: false,
          output: '',
          error: 'a manual step needs an operator: run it on a terminal, or acknowledge manual steps unattended',
        };
    }
  },
});
