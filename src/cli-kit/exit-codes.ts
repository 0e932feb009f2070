/** Exit codes of every command (README "Exit codes"); scripts depend on these numbers. */
export const ExitCode = {
  Ok: 0,
  /** operational error: cannot connect, permission denied, a step failed */
  Operational: 1,
  /** usage error: unknown flag, bad argument, invalid file */
  Usage: 2,
  /** the command worked and found a problem: drift, lint error, breach, failed check */
  Problem: 3,
  /** partial: some sources could not be reached; what could be read is shown */
  Partial: 4,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
