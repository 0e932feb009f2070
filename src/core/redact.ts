/**
 * Masking of secrets and patient data in anything printed or stored. Every message that can
 * contain a URL, token or payload goes through here before it leaves the process.
 */

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

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// International or national phone numbers: 8+ digits with optional separators.
const PHONE = /(?<![\w.])\+?\d(?:[\s().-]?\d){7,14}(?![\w.])/g;

/** Masks phone numbers and e-mail addresses in free text, keeping the last two digits to tell them apart. */
export function maskPiiText(text: string): string {
  return text
    .replace(EMAIL, (email) => `${email[0]}***@${email.split('@')[1]?.replace(/^[^.]+/, '***')}`)
    .replace(PHONE, (phone) => `+***${phone.replace(/\D/g, '').slice(-2)}`);
}

const PII_KEY = /^(?:phone|phone_?number|mobile|email|e_?mail|name|full_?name|first_?name|last_?name|patient_?name|contact_?name|address|date_?of_?birth|dob|ssn|cnp)$/i;

/** A field name that holds patient data (name, phone, email, address, date of birth, …). */
export function isPiiKey(key: string): boolean {
  return PII_KEY.test(key);
}

/** Deep copy of a JSON value with PII-named fields masked and PII patterns masked in every string. */
export function maskPii(value: unknown): unknown {
  if (typeof value === 'string') return maskPiiText(value);
  if (Array.isArray(value)) return value.map(maskPii);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        PII_KEY.test(key) && inner != null && typeof inner !== 'object' ? '[masked]' : maskPii(inner),
      ]),
    );
  }
  return value;
}

/** Redacts secrets and PII, then cuts to `limit` characters; for output stored in audit tables. */
export function redactForStorage(text: string, limit = 8_192, knownSecrets: readonly string[] = []): string {
  const clean = maskPiiText(redactSecrets(text, knownSecrets));
  return clean.length > limit ? `${clean.slice(0, limit)}\n… [truncated ${clean.length - limit} characters]` : clean;
}
