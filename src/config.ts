// Configuration from the environment (contract section 7). Parsed once at startup.

export type TenancyMode = 'strict' | 'shared';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  logLevel: string;
  tenancyMode: TenancyMode;
  jwtSecret: string | null;
  jwksUrl: string | null;
  jwtIssuer: string | null;
  jwtAudience: string | null;
  bootstrapPlatformAdmins: string[];
  production: boolean;
  /** Introspection, GraphiQL and /schema.graphql: on outside production unless disabled. */
  introspection: boolean;
  graphiql: boolean;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  transactionRetries: number;
  /** IAM_METRICS_PORT: serve /metrics on its own listener (0 = any free port); null = on the main port. */
  metricsPort: number | null;
  /** IAM_METRICS_TOKEN: when set, /metrics answers 401 without `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** OpenTelemetry tracing, configured by the standard OTEL_* variables (see docs/observability.md). */
  tracing: boolean;
}

/** Tracing is off unless an exporter or an OTLP endpoint is named, and OTEL_SDK_DISABLED is not set. */
function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  if (boolFrom(env.OTEL_SDK_DISABLED, false)) return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'none');
  return exporters.length > 0 || nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) !== null || nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== null;
}

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`expected a non-negative integer, got ${JSON.stringify(value)}`);
  return parsed;
}

function boolFrom(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const tenancyMode = (env.IAM_TENANCY_MODE ?? 'strict') as TenancyMode;
  if (tenancyMode !== 'strict' && tenancyMode !== 'shared') {
    throw new Error(`IAM_TENANCY_MODE must be strict or shared, got ${JSON.stringify(env.IAM_TENANCY_MODE)}`);
  }
  const production = env.NODE_ENV === 'production';
  return {
    port: intFrom(env.PORT, 4000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: nonEmpty(env.IAM_DATA_DIR) ?? '.data',
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    tenancyMode,
    jwtSecret: nonEmpty(env.IAM_JWT_SECRET),
    jwksUrl: nonEmpty(env.IAM_JWKS_URL),
    jwtIssuer: nonEmpty(env.IAM_JWT_ISSUER),
    jwtAudience: nonEmpty(env.IAM_JWT_AUDIENCE),
    bootstrapPlatformAdmins: (env.IAM_BOOTSTRAP_PLATFORM_ADMINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    production,
    introspection: boolFrom(env.IAM_INTROSPECTION, !production),
    graphiql: boolFrom(env.IAM_GRAPHIQL, !production),
    statementTimeoutMs: intFrom(env.IAM_STATEMENT_TIMEOUT_MS, 5000),
    lockTimeoutMs: intFrom(env.IAM_LOCK_TIMEOUT_MS, 3000),
    transactionRetries: intFrom(env.IAM_TX_RETRIES, 5),
    metricsPort: nonEmpty(env.IAM_METRICS_PORT) === null ? null : intFrom(env.IAM_METRICS_PORT, 0),
    metricsToken: nonEmpty(env.IAM_METRICS_TOKEN),
    tracing: tracingEnabled(env),
  };
}
