/**
 * The PII corpus: values that must be masked wherever they appear, each with the fragments
 * whose presence in output means a leak, and look-alikes that must be left alone (versions,
 * dates, UUIDs, correlation IDs, amounts, HTTP codes ...). Generated with fixed seeds.
 */

export interface PiiValue {
  kind: 'phone' | 'email' | 'cnp' | 'national-id' | 'iban' | 'card' | 'name';
  /** as written in the text */
  text: string;
  /** any of these in the output is a leak */
  leaks: string[];
}

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');

function cnp(sex: number, yy: number, mm: number, dd: number, county: number, serial: number): string {
  const two = (value: number) => String(value).padStart(2, '0');
  const body = `${sex}${two(yy)}${two(mm)}${two(dd)}${two(county)}${String(serial).padStart(3, '0')}`;
  const weights = '279146358279';
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += Number(body[k]) * Number(weights[k]);
  const check = sum % 11 === 10 ? 1 : sum % 11;
  return `${body}${check}`;
}

/** `body` completed with its Luhn check digit (a card number, or a look-alike that passes Luhn). */
export function withLuhn(body: string): string {
  let sum = 0;
  for (let k = 0; k < body.length; k++) {
    let d = Number(body[body.length - 1 - k]);
    if (k % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

const phone = (text: string, significant: string): PiiValue => ({ kind: 'phone', text, leaks: [text, significant] });

function phones(): PiiValue[] {
  const out: PiiValue[] = [];
  for (let k = 0; k < 6; k++) {
    const a = `7${digits(2)}`;
    const b = digits(3);
    const c = digits(3);
    const sig = `${a}${b}${c}`;
    out.push(
      phone(`0${a} ${b} ${c}`, sig),
      phone(`0${a}-${b}-${c}`, sig),
      phone(`0${a}.${b}.${c}`, sig),
      phone(`(0${a}) ${b} ${c}`, sig),
      phone(`+40 ${a} ${b} ${c}`, sig),
      phone(`+40${sig}`, sig),
      phone(`0040 ${a} ${b} ${c}`, sig),
      phone(`0040.${a}.${b}.${c}`, sig),
    );
  }
  out.push(
    phone('+40-721-234-567', '721234567'),
    phone('+40 (721) 234-567', '721234567'),
    phone('0721234567', '721234567'),
    phone('021 312 4567', '213124567'),
    phone('+44 20 7946 0958', '2079460958'),
    phone('+1 (415) 555-0132', '4155550132'),
    phone('+49 30 12345678', '3012345678'),
    phone('40721998877', '721998877'),
    phone('%2B40721556677', '721556677'),
    phone('01 23 45 67 89', '123456789'),
    phone('+33 1 23 45 67 89', '123456789'),
    phone('0264 123 456', '264123456'),
    phone('(+40) 721 234 567', '721234567'),
    phone('tel%3A%2B40721234567', '721234567'),
    phone('+40 (0) 721 234 567', '721234567'),
    phone('+373 69 123 456', '69123456'),
  );
  return out;
}

const email = (text: string, ...leaks: string[]): PiiValue => ({ kind: 'email', text, leaks: [text, ...leaks] });

function emails(): PiiValue[] {
  return [
    email('ion.popescu@gmail.com', 'ion.popescu'),
    email('ion.popescu%40gmail.com', 'ion.popescu'),
    email('ION.POPESCU@YAHOO.COM', 'ION.POPESCU'),
    email('maria+clinic@mail.example.ro', 'maria+clinic'),
    email('maria%2Bclinic%40example.ro', 'maria%2Bclinic'),
    email('a.vasilescu@clinica-dentara.ro', 'a.vasilescu'),
    email('elena_georgescu99@outlook.com', 'elena_georgescu99'),
    email('radu.stan%2540gmail.com', 'radu.stan'),
    email('mailto:mihai.dumitrescu@protonmail.ch', 'mihai.dumitrescu'),
    email('https://crm.example/leads?email=ana.popa%40gmail.com&src=wa', 'ana.popa'),
    email('andreea.marin@sub.domain.example.co.uk', 'andreea.marin'),
    email('v.ionescu@icloud.com', 'v.ionescu'),
    email('contact.lead.4471@hotmail.com', 'contact.lead.4471'),
    email('cristina.pavel@upb.ro', 'cristina.pavel'),
    email('george-enache@yahoo.ro', 'george-enache'),
    email('sorina.tudor@gmx.de', 'sorina.tudor'),
    email('o.munteanu@example.org', 'o.munteanu'),
    email('"bogdan.rusu@gmail.com"', 'bogdan.rusu'),
    email('<ioana.matei@gmail.com>', 'ioana.matei'),
    email('dan.lungu@gmail.com.', 'dan.lungu'),
  ];
}

function nationalIds(): PiiValue[] {
  const out: PiiValue[] = [];
  for (let k = 0; k < 15; k++) {
    const value = cnp(1 + (k % 6), 50 + k * 3, 1 + (k % 12), 1 + ((k * 7) % 28), 1 + ((k * 5) % 46), 100 + k * 37);
    out.push({ kind: 'cnp', text: value, leaks: [value] });
  }
  // PESEL (Poland) and EGN (Bulgaria), with valid checksums
  for (const value of ['44051401359', '02070803628', '90090515836'])
    out.push({ kind: 'national-id', text: value, leaks: [value] });
  for (const value of ['7523169263', '8032056031', '0041010002'])
    out.push({ kind: 'national-id', text: value, leaks: [value] });
  return out;
}

function bankData(): PiiValue[] {
  const ibans = [
    'RO49 AAAA 1B31 0075 9384 0000',
    'RO49AAAA1B31007593840000',
    'DE89 3704 0044 0532 0130 00',
    'GB82 WEST 1234 5698 7654 32',
    'FR14 2004 1010 0505 0001 3M02 606',
    'NL91 ABNA 0417 1643 00',
    'ES91 2100 0418 4502 0005 1332',
    'BE68 5390 0754 7034',
    'ro49aaaa1b31007593840000',
  ];
  const cards = [
    '4111 1111 1111 1111',
    '4111111111111111',
    '5555 5555 5555 4444',
    '3782 822463 10005',
    '6011 1111 1111 1117',
    '4012888888881881',
    '5105-1051-0510-5100',
    '4000 0566 5566 5556',
    // every length from 13 to 19 digits, by the schemes that issue it (ISO/IEC 7812 prefixes)
    '4222222222222',
    '30569309025904',
    '36227206271667',
    '2223003122003222',
    '3530111333300000',
    withLuhn(`3528${digits(12)}`),
    withLuhn(`3589${digits(13)}`),
    withLuhn(`5020${digits(8)}`),
    withLuhn(`6759${digits(9)}`),
    withLuhn(`5018${digits(14)}`),
    withLuhn(`2200${digits(13)}`),
    withLuhn(`4${digits(17)}`),
    '6205500000000000004',
    withLuhn(`62${digits(15)}`),
  ];
  return [
    ...ibans.map((text): PiiValue => ({ kind: 'iban', text, leaks: [text, text.replace(/ /g, '').slice(4)] })),
    ...cards.map((text): PiiValue => ({ kind: 'card', text, leaks: [text, text.replace(/\D/g, '')] })),
  ];
}

/** Names: the first four are patient-data fields of the journey; the others appear only after cues in free text. */
export const FIELD_NAMES = ['Ion Popescu', 'Maria Ionescu', 'Ștefan Vasilescu', 'Ana-Maria Dobre'];
const CUED: [cue: string, name: string][] = [
  ['patient', 'Andrei Georgescu'],
  ['pentru', 'Elena Stan'],
  ['Dl.', 'Mihai Dumitrescu'],
  ['Dna.', 'Ioana Marin'],
  ['name=', 'Radu+Stoica'],
  ['for', 'Cristina Pavel'],
  ['D-na', 'Sorina Tudor'],
  ['Mrs.', 'Oana Munteanu'],
  ['pacientul', 'George Enache'],
  ['patient_name=', 'Bogdan Rusu'],
  ['"name":"', 'Daniela Lungu"'],
  ['Dl', 'Vlad Ciobanu'],
  ['pacienta', 'Roxana Matei'],
  ['name: ', 'Florin Nistor'],
  ['for', 'Adrian Barbu'],
  ['pentru', 'POPA Gheorghe'],
  ['patient', 'Teodora Ilie'],
  ['nume=', 'Iulia Neagu'],
  ['Dna', 'Carmen Diaconu'],
  ['Mr.', 'Sergiu Moldovan'],
  ['pentru pacientul', 'Liviu Preda'],
  ['for patient', 'Alina Voicu'],
  ['fullName=', 'Paul Cazacu'],
  ['pentru', 'Lucian Ene'],
  ['for', "Sean O'Brien"],
  ['name=', 'ana-maria'],
  ['pacientei', 'Ioana Pop'],
  ['doamna', 'Maria Pop'],
];

export function cuedText(cue: string, name: string): string {
  return cue.endsWith('=') || cue.endsWith('"') || cue.endsWith(': ') ? `${cue}${name}` : `${cue} ${name}`;
}

function names(): PiiValue[] {
  const parts = (name: string) =>
    name
      .replace(/["+]/g, ' ')
      .split(/\s+/)
      .filter((p) => p.length >= 3);
  return [
    ...FIELD_NAMES.map((text): PiiValue => ({ kind: 'name', text, leaks: [text, ...parts(text)] })),
    ...CUED.map(([cue, name]): PiiValue => ({ kind: 'name', text: cuedText(cue, name), leaks: parts(name) })),
    // a handle after a name key: the whole token is masked, not only its first word
    { kind: 'name', text: 'name=ion_popescu85', leaks: ['popescu85'] },
  ];
}

export const PII: PiiValue[] = [...phones(), ...emails(), ...nationalIds(), ...bankData(), ...names()];

/** Values that must come out exactly as they went in. */
export const LOOK_ALIKES: string[] = (() => {
  const out = [
    '20251120.1',
    '20250716.1',
    'v2.10.0',
    '1.2.3',
    '15.4.1',
    '2025-11-20',
    '2025-12-01T10:00:00.000Z',
    '20.11.2025',
    '01.12.2025',
    '01/12/2025',
    '2025/11/20',
    '10:00:00',
    '23:59:59.999',
    '1234.56 RON',
    '0.0046',
    '$12.50',
    '1 234,56 lei',
    '99.99 EUR',
    'HTTP 200',
    'HTTP 404',
    'HTTP 502',
    'status 503',
    '1500 ms',
    '30 s',
    '3 attempts',
    'retries 2/5',
    'ORD-2025-000123',
    'INV-0042',
    'lead-0042',
    'run_12345',
    'req_01J2ABCD',
    'req_0799000111',
    'api.hubapi.com',
    '10.0.0.12',
    '192.168.1.20:5432',
    'port 6379',
    'score 87',
    'tokens 1450',
    'gpt-4o',
    'claude-3-5-sonnet-20241022',
    'for HubSpot',
    'for WhatsApp',
    'patient record updated',
    'pentru programare',
    'name=score-lead',
    'Dl. 15',
    'sha 3f9a2c1',
    'page 2 of 7',
    'ISO 8601',
    'RFC 5322',
    'E.164',
    'p95 412 ms',
    '100%',
    'x1000',
    '1764547200000',
    '1764547200',
    '17645472000001234',
    '2147483647',
    '404040',
    '123456',
    'ETIMEDOUT',
    'HUBSPOT_502',
    'ECONNREFUSED',
    // after a name key, a lower-case hyphenated task or service name is no one's name
    'name=sync-hubspot',
    'name=lead-onboarding',
    'name: patient-journey-failure',
    "name='score-lead'",
    'Dl. Director',
    'for Monday',
    'pentru HubSpot',
    'ISBN 978-3-16-148410-0',
    'CVE-2024-12345',
    'build 20251120.1-rc.2',
    '2025-12-01T10:00:00+02:00',
    'Mon, 01 Dec 2025 10:00:00 GMT',
    'HTTP/1.1 503 Service Unavailable',
    'invoice 2025000123',
    '20251201103000',
    '1,234,567.89',
    'api-7d9f8b6c5-xk2lm',
    'traceparent 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    // 18 digits that pass Luhn but no scheme issues 18 digits with these prefixes: correlation IDs
    '653239047097740641',
    withLuhn('65000000000000012'),
    withLuhn('11760303107291734'),
    withLuhn('70000000000000001'),
    withLuhn('93110000000000000'),
    withLuhn('40000000000000000'),
    withLuhn('51000000000000000'),
  ];
  for (let k = 0; k < 12; k++) {
    const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
    out.push(`${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`);
  }
  // numeric correlation IDs and order numbers: random, 10 to 19 digits, not starting with 0
  for (let k = 0; k < 30; k++) out.push(`${1 + Math.floor(random() * 9)}${digits(9 + (k % 10))}`);
  return out;
})();
