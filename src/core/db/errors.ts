import { isDomainError, unavailable, type DomainError } from '../errors.js';
import { maskUrl } from '../redact.js';

/** Turns a pg/socket error into one line an operator can act on; the URL is shown masked. */
export function connectionError(error: unknown, url: string): DomainError {
  if (isDomainError(error)) return error;
  const shown = maskUrl(url);
  const err = error as { code?: string; message?: string };
  const message = err.message ?? String(error);
  const fail = (text: string, code: string, remedy?: string) =>
    unavailable(text, { code: `db.${code}`, facts: { url: shown, sqlstate: err.code }, remedy, cause: error });
  switch (err.code) {
    case 'ECONNREFUSED':
      return fail(
        `Cannot connect to the database at ${shown}: connection refused.`,
        'refused',
        'Check that PostgreSQL is running and the host and port are right.',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(
        `Cannot connect to the database at ${shown}: host not found.`,
        'host-not-found',
        'Check the host name in the database URL.',
      );
    case 'ETIMEDOUT':
      return fail(
        `Cannot connect to the database at ${shown}: timed out.`,
        'timeout',
        'Check network access (VPN, firewall) to the database.',
      );
    case '28P01':
    case '28000':
      return fail(
        `The database at ${shown} refused the credentials: ${message}.`,
        'credentials',
        'Check the user and password in the environment variable that holds the URL.',
      );
    case '3D000':
      return fail(
        `The database at ${shown} does not exist: ${message}.`,
        'no-such-database',
        'Create it, or fix the database name in the URL.',
      );
    case '42501':
      return fail(
        `Permission denied on ${shown}: ${message}.`,
        'permission-denied',
        'Use a role with the needed privileges.',
      );
    default:
      if (/timeout/i.test(message)) {
        return fail(
          `Cannot connect to the database at ${shown}: ${message}.`,
          'timeout',
          'Check network access to the database.',
        );
      }
      return fail(`Database error on ${shown}: ${message}`, 'error');
  }
}
