import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import type { IamSettingsRow } from '../db/schema.js';
import { ERROR_CODES, REASONS_BY_CODE } from '../errors/index.js';

/**
 * Every label value below comes from a closed set (schema field names, contract codes and reasons,
 * policy actions and scopes, route names, HTTP statuses): never an id, a subject, a correlation id
 * or anything else a client chooses, so the number of series stays bounded.
 */
export interface GatewayMetrics {
  registry: Registry;
  mutations: Counter<'operation' | 'outcome' | 'code' | 'reason'>;
  graphqlErrors: Counter<'operation_type' | 'code' | 'reason'>;
  decisions: Counter<'directive' | 'scope' | 'action' | 'allowed' | 'reason'>;
  decisionDuration: Histogram<string>;
  httpDuration: Histogram<'route' | 'status'>;
}

export interface MetricSources {
  database: Database;
  /** migrations applied and the database answering (the /readyz answer). */
  isReady: () => Promise<boolean>;
  /** The iam_settings row (the freeze), read at scrape time. */
  readSettings: () => Promise<IamSettingsRow>;
  /** How long a scrape waits for the database before reporting what it could not read as absent. */
  scrapeTimeoutMs?: number;
}

const FREEZE_SCOPES = ['bulk', 'all'] as const;

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One scrape reads the settings row once, however many gauges need it: the registry collects all
 * metrics concurrently, so sharing the read while it is in flight is enough (and never stale).
 */
function settingsPerScrape(read: () => Promise<IamSettingsRow>, timeoutMs: number): () => Promise<IamSettingsRow | null> {
  let pending: Promise<IamSettingsRow | null> | null = null;
  return () => {
    pending ??= within(read(), timeoutMs)
      .catch(() => null)
      .finally(() => {
        pending = null;
      });
    return pending;
  };
}

function databaseGauges(registry: Registry, sources: MetricSources, timeoutMs: number): void {
  const settings = settingsPerScrape(sources.readSettings, timeoutMs);
  new Gauge({
    name: 'iam_database_ready',
    help: '1 when migrations have run and the database answers (the /readyz answer), else 0.',
    registers: [registry],
    async collect() {
      this.set((await within(sources.isReady(), timeoutMs).catch(() => false)) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'iam_database_info',
    help: 'Which database the gateway runs on (always 1).',
    labelNames: ['kind'],
    registers: [registry],
  }).set({ kind: sources.database.kind }, 1);
  let counted = 0;
  new Counter({
    name: 'iam_db_statements_total',
    help: 'SQL statements issued through the ORM since start (includes the scrape-time settings read).',
    registers: [registry],
    collect() {
      const now = sources.database.stats.statements;
      this.inc(Math.max(0, now - counted));
      counted = now;
    },
  });
  new Gauge({
    name: 'iam_mutations_frozen',
    help: 'IAM mutation freeze by scope (1 = in force), read from iam_settings at scrape time; absent when it could not be read.',
    labelNames: ['scope'],
    registers: [registry],
    async collect() {
      const row = await settings();
      this.reset();
      if (row === null) return;
      for (const scope of FREEZE_SCOPES) this.set({ scope }, row.frozen && row.freezeScope === scope ? 1 : 0);
    },
  });
  new Gauge({
    name: 'iam_mutations_frozen_since_timestamp_seconds',
    help: 'When the freeze in force began (Unix seconds), by its scope; absent when nothing is frozen.',
    // Labelled so that reset() leaves no series: an unlabelled gauge would report 0, read as "frozen since 1970".
    labelNames: ['scope'],
    registers: [registry],
    async collect() {
      const row = await settings();
      this.reset();
      if (row?.frozen && row.since !== null) this.set({ scope: row.freezeScope === 'bulk' ? 'bulk' : 'all' }, row.since.getTime() / 1000);
    },
  });
}

export function createGatewayMetrics(sources: MetricSources): GatewayMetrics {
  // Its own registry, not prom-client's global one: several gateways may live in one process.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const timeoutMs = sources.scrapeTimeoutMs ?? 1000;
  databaseGauges(registry, sources, timeoutMs);

  const mutations = new Counter({
    name: 'iam_mutations_total',
    help: 'IAM mutations by root field and outcome; code and reason are the contract error of a failure ("none" on success).',
    labelNames: ['operation', 'outcome', 'code', 'reason'] as const,
    registers: [registry],
  });
  const graphqlErrors = new Counter({
    name: 'iam_graphql_errors_total',
    help: 'Errors returned by GraphQL operations (queries and mutations), by contract code and reason.',
    labelNames: ['operation_type', 'code', 'reason'] as const,
    registers: [registry],
  });
  // Present from the start at 0, so that the first error after a restart is an increase alerts see.
  for (const operationType of ['query', 'mutation']) {
    for (const code of ERROR_CODES) {
      for (const reason of REASONS_BY_CODE[code]) graphqlErrors.inc({ operation_type: operationType, code, reason }, 0);
    }
  }
  const decisions = new Counter({
    name: 'iam_authz_decisions_total',
    help: 'Policy decisions: directive is requiresCeiling (enforced before a mutation) or explainGrant (dry run).',
    labelNames: ['directive', 'scope', 'action', 'allowed', 'reason'] as const,
    registers: [registry],
  });
  const decisionDuration = new Histogram({
    name: 'iam_authz_decision_duration_seconds',
    help: 'From reading (and locking) the rows a decision depends on to the decision.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'iam_http_request_duration_seconds',
    help: 'HTTP requests by route (a fixed set) and status.',
    labelNames: ['route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // The statuses the internal_error and service_unavailable alerts watch, present from the start for the same reason.
  for (const status of ['500', '503']) httpDuration.zero({ route: '/graphql', status });
  return { registry, mutations, graphqlErrors, decisions, decisionDuration, httpDuration };
}
