/**
 * Shell completion scripts. Each asks the CLI itself (`medicalcor __complete WORDS…`) for the
 * candidates, so every command registered later completes without regenerating the script.
 */
export type CompletionShell = 'bash' | 'zsh' | 'fish';
export const COMPLETION_SHELLS: readonly CompletionShell[] = ['bash', 'zsh', 'fish'];

const BASH =
  '# bash completion for medicalcor: source it, or put it in ' +
  `~/.local/share/bash-completion/completions/medicalcor
_medicalcor() {
  local IFS=$'\\n'
  COMPREPLY=($(medicalcor __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _medicalcor medicalcor
`;

const ZSH = `#compdef medicalcor
# zsh completion for medicalcor: put it in a directory of $fpath as _medicalcor, or source it
_medicalcor() {
  local -a candidates
  candidates=("\${(@f)$(medicalcor __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
if (( $+functions[compdef] )); then compdef _medicalcor medicalcor; fi
`;

const FISH = `# fish completion for medicalcor: put it in ~/.config/fish/completions/medicalcor.fish
function __medicalcor_complete
    set -l tokens (commandline -opc) (commandline -ct)
    medicalcor __complete $tokens[2..-1] 2>/dev/null
end
complete -c medicalcor -f -a '(__medicalcor_complete)'
`;

export function completionScript(shell: CompletionShell): string {
  return shell === 'bash' ? BASH : shell === 'zsh' ? ZSH : FISH;
}

/** What the completing shell needs to know of a command: its subcommands and options. */
export interface CompletionNode {
  name: string;
  subcommands: CompletionNode[];
  /** long and short flags, with the choices of those taking a value */
  options: { flags: string[]; takesValue: boolean; choices?: readonly string[] }[];
}

/**
 * The candidates for the last word of `words` (the words after "medicalcor", the last one being
 * completed, possibly ''): subcommands, or options when it starts with "-", or an option's choices.
 */
export function completeWords(root: CompletionNode, words: readonly string[]): string[] {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let node = root;
  const globalOptions = root.options;
  let awaiting: CompletionNode['options'][number] | undefined;
  for (const word of before) {
    if (awaiting) {
      awaiting = undefined;
      continue;
    }
    if (word.startsWith('-')) {
      const option = [...node.options, ...globalOptions].find((o) => o.flags.includes(word.split('=')[0]!));
      if (option?.takesValue && !word.includes('=')) awaiting = option;
      continue;
    }
    node = node.subcommands.find((s) => s.name === word) ?? node;
  }
  let candidates: string[];
  if (awaiting) candidates = [...(awaiting.choices ?? [])];
  else if (current.startsWith('-')) {
    candidates = [...node.options, ...(node === root ? [] : globalOptions)].flatMap((o) =>
      o.flags.filter((f) => f.startsWith('--')),
    );
  } else candidates = node.subcommands.map((s) => s.name);
  return [...new Set(candidates)].filter((c) => c.startsWith(current)).sort();
}
