import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_FILE_NAME } from './load.js';
import { searchUpward } from './search-upward.js';

/** What marked the project root, so the CLI can say where it writes and why there. */
export type ProjectRootMarker = 'medicalcor.config.yaml' | '.medicalcor/' | 'repository root' | 'working directory';

export interface ProjectRoot {
  dir: string;
  marker: ProjectRootMarker;
}

const isDir = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Found the way git finds its repository: from the working directory upward, the nearest directory
 * holding medicalcor.config.yaml, a .medicalcor/ directory or a .git entry (a worktree's .git is a
 * file). Without any, the working directory itself. Every command run anywhere inside a project
 * therefore shares one embedded database and one place for new files.
 */
export function findProjectRoot(cwd: string, env: NodeJS.ProcessEnv = {}): ProjectRoot {
  for (const dir of searchUpward(cwd, env)) {
    if (existsSync(join(dir, CONFIG_FILE_NAME))) return { dir, marker: 'medicalcor.config.yaml' };
    if (isDir(join(dir, '.medicalcor'))) return { dir, marker: '.medicalcor/' };
    if (existsSync(join(dir, '.git'))) return { dir, marker: 'repository root' };
  }
  return { dir: resolve(cwd), marker: 'working directory' };
}
