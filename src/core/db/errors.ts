import { CliError, ExitCode } from '../../cli-kit/index.js';
import { maskUrl } from '../redact.js';

/** Turns a pg/socket error into one line an operator can act on; the URL is shown masked. */
export function connectionError(error: unknown, url: string): CliError {
  if (error instanceof CliError) return error;
  const shown = maskUrl(url);
  const err = error as { code?: string; message?: string };
  const message = err.message ?? String(error);
  switch (err.code) {
    case 'ECONNREFUSED':
      return new CliError(`Cannot connect to the database at ${shown}: connection refused.`, ExitCode.Operational, 'Check that PostgreSQL is running and the host and port are right.', { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CliError(`Cannot connect to the database at ${shown}: host not found.`, ExitCode.Operational, 'Check the host name in the database URL.', { cause: error });
    case 'ETIMEDOUT':
      return new CliError(`Cannot connect to the database at ${shown}: timed out.`, ExitCode.Operational, 'Check network access (VPN, firewall) to the database.', { cause: error });
    case '28P01':
    case '28000':
      return new CliError(`The database at ${shown} refused the credentials: ${message}.`, ExitCode.Operational, 'Check the user and password in the environment variable that holds the URL.', { cause: error });
    case '3D000':
      return new CliError(`The database at ${shown} does not exist: ${message}.`, ExitCode.Operational, 'Create it, or fix the database name in the URL.', { cause: error });
    case '42501':
      return new CliError(`Permission denied on ${shown}: ${message}.`, ExitCode.Operational, 'Use a role with the needed privileges.', { cause: error });
    default:
      if (/timeout/i.test(message)) {
        return new CliError(`Cannot connect to the database at ${shown}: ${message}.`, ExitCode.Operational, 'Check network access to the database.', { cause: error });
      }
      return new CliError(`Database error on ${shown}: ${message}`, ExitCode.Operational, undefined, { cause: error });
  }
}
