/**
 * Field names that hold patient data. A key is compared without case, `_` or `-`, so
 * `patient_name`, `patientName` and `PatientName` are one key.
 */

const PII_KEYS = new Set([
  'name',
  'fullname',
  'firstname',
  'lastname',
  'middlename',
  'givenname',
  'familyname',
  'surname',
  'patientname',
  'contactname',
  'clientname',
  'customername',
  'leadname',
  'displayname',
  'nume',
  'prenume',
  'numele',
  'numecomplet',
  'phone',
  'phonenumber',
  'mobile',
  'mobilephone',
  'tel',
  'telephone',
  'telefon',
  'msisdn',
  'whatsapp',
  'whatsappnumber',
  'email',
  'emailaddress',
  'mail',
  'address',
  'street',
  'streetaddress',
  'adresa',
  'postaladdress',
  'homeaddress',
  'dateofbirth',
  'dob',
  'birthdate',
  'birthday',
  'datanasterii',
  'ssn',
  'cnp',
  'nationalid',
  'personalid',
  'personalnumber',
  'idnumber',
  'pesel',
  'egn',
  'passport',
  'passportnumber',
  'iban',
  'cardnumber',
  'pan',
  'creditcard',
]);

/** The suffixes that make any key patient data: homePhone, contactEmail, patientCnp. */
const PII_SUFFIXES = ['phone', 'email', 'mobile', 'cnp', 'iban'];

function normalize(key: string): string {
  const lower = key.toLowerCase();
  return /[_\-\s]/.test(lower) ? lower.replace(/[_\-\s]/g, '') : lower;
}

/** A field name that holds patient data (name, phone, e-mail, address, date of birth, CNP, IBAN ...). */
export function isPiiKey(key: string): boolean {
  const k = normalize(key);
  return PII_KEYS.has(k) || PII_SUFFIXES.some((suffix) => k.endsWith(suffix));
}

/** A PII field that holds a person's name: its single words are masked wherever they appear. */
export function isNameKey(key: string): boolean {
  const k = normalize(key);
  return PII_KEYS.has(k) && (k.endsWith('name') || k.endsWith('nume') || k === 'numele' || k === 'numecomplet');
}
