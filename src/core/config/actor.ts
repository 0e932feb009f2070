import { hostname, userInfo } from 'node:os';

/** Who is acting, for audit rows: MEDICALCOR_ACTOR (set by automation), else the OS user at this host. */
export function defaultActor(env: NodeJS.ProcessEnv): string {
  return env.MEDICALCOR_ACTOR || `${userInfo().username}@${hostname()}`;
}
