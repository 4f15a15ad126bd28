import { gatewayError } from '../errors/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is validation_failed before any row is read. */
export function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw gatewayError('validation_failed', `${field} must be a UUID`, { field });
  return value.toLowerCase();
}

export function optionalUuidValue(value: unknown, field: string): string | null {
  return value === null || value === undefined ? null : requireUuid(value, field);
}

const SLUG = /^[a-z][a-z0-9-]{1,62}$/;

export function requireSlug(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SLUG.test(value) || value.endsWith('-')) {
    throw gatewayError('validation_failed', `${field} must be 2 to 63 lowercase letters, digits or hyphens, starting with a letter`, { field });
  }
  return value;
}

// PostgreSQL text holds no NUL, and jsonb (the audit images) refuses a lone UTF-16 surrogate.
const UNSTORABLE = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function requireText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw gatewayError('validation_failed', `${field} must not be empty`, { field });
  if (value.length > max) throw gatewayError('validation_failed', `${field} must be at most ${max} characters`, { field });
  if (value.includes('\u0000')) throw gatewayError('validation_failed', `${field} must not contain NUL`, { field });
  if (UNSTORABLE.test(value)) throw gatewayError('validation_failed', `${field} must be valid Unicode text`, { field });
  return value.trim();
}

/** A free-text filter: absent, or text the database can compare (no NUL, no lone surrogate). */
export function optionalFilterText(value: unknown, field: string, max = 200): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value.length > max || UNSTORABLE.test(value)) {
    throw gatewayError('validation_failed', `${field} must be text of at most ${max} characters, without NUL`, { field });
  }
  return value;
}
