// The canonical codes and reasons of the contract (section 3), in one place.
// Everything the gateway raises is one of these; the contract test reads them from here.

export const REASONS_BY_CODE = {
  unauthenticated: ['missing_token', 'invalid_token', 'token_expired'],
  insufficient_permissions: ['role_ceiling_exceeded', 'scope_mismatch', 'platform_admin_required'],
  invalid_request: ['validation_failed', 'graphql_parse_failed', 'graphql_validation_failed', 'query_too_complex'],
  not_found: ['tenant_not_found', 'project_not_found', 'user_not_found', 'membership_not_found'],
  conflict: ['cross_tenant_membership', 'last_owner', 'last_platform_admin', 'target_not_tenant_member', 'slug_taken'],
  service_unavailable: ['dependency_unavailable', 'mutations_frozen'],
  internal_error: ['internal_error'],
} as const;

export type ErrorCode = keyof typeof REASONS_BY_CODE;
export type ErrorReason = (typeof REASONS_BY_CODE)[ErrorCode][number];
export type ReasonOf<C extends ErrorCode> = (typeof REASONS_BY_CODE)[C][number];

export const ERROR_CODES = Object.keys(REASONS_BY_CODE) as ErrorCode[];

export function codeOfReason(reason: ErrorReason): ErrorCode {
  for (const code of ERROR_CODES) {
    if ((REASONS_BY_CODE[code] as readonly string[]).includes(reason)) return code;
  }
  return 'internal_error';
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in REASONS_BY_CODE;
}

export function isErrorReason(value: unknown): value is ErrorReason {
  return typeof value === 'string' && ERROR_CODES.some((c) => (REASONS_BY_CODE[c] as readonly string[]).includes(value));
}

/** HTTP status by code, for transports that need one (GraphQL-over-HTTP answers 200 otherwise). */
export const HTTP_STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  unauthenticated: 401,
};

/** Only these may succeed later with the same request unchanged. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set(['service_unavailable']);
