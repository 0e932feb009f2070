/** A problem found in the migration files or in how they relate to the database. */
export interface Finding {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** path relative to the working directory, when the finding is about a file */
  file?: string;
  line?: number;
  version?: string;
  hint?: string;
}

export const hasErrors = (findings: readonly Finding[]) => findings.some((f) => f.severity === 'error');
