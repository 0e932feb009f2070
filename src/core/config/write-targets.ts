import { isAbsolute, relative, sep } from 'node:path';
import { invalidInput } from '../errors.js';
import type { ResolvedConfig } from './resolve.js';
import { packageDir } from './package-dir.js';

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** The package is installed (not a clone being developed): its directory sits in a node_modules. */
const installed = (dir: string) => dir.split(sep).includes('node_modules');

/**
 * Refuses a path inside the installed medicalcor package: files written there vanish on the next
 * install and change what every project using that install sees.
 */
export function refuseInsidePackage(path: string, what: string): void {
  const pkg = packageDir();
  if (installed(pkg) && inside(pkg, path)) {
    throw invalidInput(`Refusing to write ${what} inside the installed medicalcor package (${path}).`, {
      code: 'config.write-inside-package',
      facts: { path, packageDir: pkg },
      remedy: 'Name a directory of your project for it (migrationsDir / runbooksDir in medicalcor.config.yaml).',
    });
  }
}

/**
 * Where `migrate new` may write: the configured migrations directory, never the shipped MedicalCor
 * schema that is the default when none is configured.
 */
export function writableMigrationsDir(
  config: Pick<ResolvedConfig, 'migrationsDir' | 'migrationsDirSource' | 'projectRoot'>,
): string {
  if (config.migrationsDirSource === 'shipped') {
    throw invalidInput(
      'No migrations directory is configured; the default is the MedicalCor schema shipped with the CLI, which is ' +
        'read-only.',
      {
        code: 'config.shipped-migrations-read-only',
        facts: { migrationsDir: config.migrationsDir, projectRoot: config.projectRoot.dir },
        remedy:
          `Set migrationsDir in ${config.projectRoot.dir}/medicalcor.config.yaml (or MEDICALCOR_MIGRATIONS_DIR) ` +
          "to your project's directory.",
      },
    );
  }
  refuseInsidePackage(config.migrationsDir, 'a migration');
  return config.migrationsDir;
}

/** Where `runbook new` writes by default: the config's runbooksDir, else runbooks/ at the project root. */
export function writableRunbooksDir(
  config: Pick<ResolvedConfig, 'runbooksDir' | 'projectRoot'>,
  explicitDir?: string,
): string {
  const dir = explicitDir ?? config.runbooksDir ?? `${config.projectRoot.dir}${sep}runbooks`;
  refuseInsidePackage(dir, 'a runbook');
  return dir;
}
