import { z } from 'zod';

/** Building blocks the platform's event payloads share. */
export const id = z.string().min(1).max(100);
export const uuid = z.uuid();
export const timestamp = z.iso.datetime({ offset: true });
export const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 phone number');
export const channel = z.enum(['whatsapp', 'voice', 'web', 'sms', 'email']);
export const classification = z.enum(['HOT', 'WARM', 'COLD', 'UNQUALIFIED']);
