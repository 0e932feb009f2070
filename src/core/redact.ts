/**
 * Masking of secrets and patient data in anything printed or stored. Every message that can
 * contain a URL, token or payload goes through here before it leaves the process.
 */
import { maskText } from './mask/value.js';

/** A URL query parameter whose value is a credential (?password=, ?api_key=, ?auth=…). */
export const SECRET_QUERY_PARAM = /pass|secret|token|key|auth/i;

/** postgres://user:secret@host/db -> postgres://user:****@host/db (unparseable input is masked wholesale). */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    for (const key of [...parsed.searchParams.keys()]) {
      if (SECRET_QUERY_PARAM.test(key)) parsed.searchParams.set(key, '****');
    }
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@\s]+):[^@\s]+@/g, '//$1:****@');
  }
}

/** tr_dev_1234567890abcd -> tr_…abcd: enough to tell two keys apart, not enough to use one. */
export function maskToken(token: string): string {
  if (token.length <= 8) return '****';
  const prefix = /^[a-z]+_/i.exec(token)?.[0] ?? '';
  return `${prefix}…${token.slice(-4)}`;
}

const URL_WITH_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^@\s]+)(@)/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;
const KEY_LIKE = /\b(?:sk|tr|pk|rk|whsec)_[A-Za-z0-9_]{12,}\b/g;
const ASSIGNMENT = /\b([A-Z0-9_]*(?:PASSWORD|SECRET|TOKEN|API_KEY)[A-Z0-9_]*\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi;

/** Removes secrets from free text: known secret values, URL passwords, bearer tokens, API keys. */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('****');
  }
  return out
    .replace(URL_WITH_PASSWORD, '$1****$3')
    .replace(BEARER, '$1****')
    .replace(KEY_LIKE, (key) => maskToken(key))
    .replace(ASSIGNMENT, '$1****');
}

/**
 * Patient data: the one policy lives in core/mask (phones, e-mails also percent-encoded, CNP and
 * other national IDs, IBANs, cards, names from fields and cues; linear time): free text is masked
 * with its maskText.
 */
export { isPiiKey } from './mask/keys.js';

/**
 * One line for a terminal or a log (error lines, check and budget messages): secrets removed and
 * patient data masked by the one policy. The CLI's stderr writers should call this.
 */
export function redactLine(text: string, knownSecrets: readonly string[] = []): string {
  return maskText(redactSecrets(text, knownSecrets));
}

/** Redacts secrets and PII, then cuts to `limit` characters; for output stored in audit tables. */
export function redactForStorage(text: string, limit = 8_192, knownSecrets: readonly string[] = []): string {
  const clean = maskText(redactSecrets(text, knownSecrets));
  return clean.length > limit ? `${clean.slice(0, limit)}\n… [truncated ${clean.length - limit} characters]` : clean;
}
