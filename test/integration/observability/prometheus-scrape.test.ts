import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIND_TENANT, bindTenant, newTenant, ok, refusal } from '../../support/fixtures.js';
import { startTestGateway, uid, type TestGateway } from '../../support/gateway.js';

// From Debian's prometheus package (.ci/setup.d/prometheus.sh). Skipped only on a machine without it
// outside CI: in CI a missing binary fails the test.
const PROMETHEUS = '/usr/bin/prometheus';
const ALERT_RULES = fileURLToPath(new URL('../../../deploy/prometheus/alerts.yml', import.meta.url));
const available = existsSync(PROMETHEUS);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(!available && !process.env.CI)('a real Prometheus scraping the gateway', () => {
  const token = 'scrape-token-0123456789';
  let t: TestGateway;
  let prometheus: ChildProcess;
  let api: string;
  let dir: string;
  const output: string[] = [];

  async function query(promql: string): Promise<VectorSample[]> {
    const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data: { resultType: string; result: VectorSample[] }; error?: string };
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
    return body.data.result;
  }

  /** The single value of an instant query, once Prometheus has scraped it (undefined while absent). */
  async function valueOf(promql: string): Promise<number | undefined> {
    const result = await query(promql);
    if (result.length > 1) throw new Error(`${promql}: ${result.length} series`);
    return result[0] === undefined ? undefined : Number(result[0].value[1]);
  }

  beforeAll(async () => {
    // The recommended production shape: metrics on their own port, behind a token.
    t = await startTestGateway({ env: { IAM_METRICS_PORT: '0', IAM_METRICS_TOKEN: token } });
    const target = new URL(t.gateway.observability.metricsUrl!);
    dir = mkdtempSync(join(tmpdir(), 'iam-prometheus-'));
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(ALERT_RULES)}`,
        'scrape_configs:',
        '  - job_name: iam-gateway',
        `    metrics_path: ${target.pathname}`,
        '    authorization:',
        '      type: Bearer',
        `      credentials: ${token}`,
        '    static_configs:',
        `      - targets: ["${target.host}"]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    prometheus.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<never>((_, reject) => prometheus.once('exit', (code) => reject(new Error(`prometheus exited (${code}): ${output.join('')}`))));
    exited.catch(() => {});
    await Promise.race([
      exited,
      vi.waitFor(
        async () => {
          expect((await fetch(`${api}/-/ready`)).status).toBe(200);
        },
        { timeout: 60_000, interval: 250 },
      ),
    ]);
  });

  afterAll(async () => {
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const stopped = new Promise<void>((resolve) => prometheus.once('exit', () => resolve()));
      prometheus.kill('SIGTERM');
      await stopped;
    }
    await t?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes the gateway (with its token) and reads back the mutation, decision and readiness series', async () => {
    await vi.waitFor(async () => expect(await valueOf('up{job="iam-gateway"}')).toBe(1), { timeout: 60_000, interval: 250 });
    expect(await valueOf('iam_database_ready{job="iam-gateway"}')).toBe(1);

    const tenant = await newTenant(t);
    const admin = uid('admin');
    ok(await bindTenant(t, tenant.owner, tenant.tenantId, admin, 'ADMIN'));
    for (let i = 0; i < 2; i += 1) {
      const denied = await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: await t.userId(uid('x')), role: 'OWNER' } }, { as: admin });
      expect(refusal(denied).reason).toBe('role_ceiling_exceeded');
    }
    const outsider = await t.gql(BIND_TENANT, { input: { tenantId: tenant.tenantId, userId: await t.userId(uid('y')), role: 'MEMBER' } }, { as: uid('outsider') });
    expect(refusal(outsider).reason).toBe('scope_mismatch');

    const denials = 'iam_mutations_total{job="iam-gateway",operation="bindTenantMembership",outcome="error",code="insufficient_permissions",reason="role_ceiling_exceeded"}';
    // One scrape may land between two of the requests above: wait until a scrape holds them all.
    await vi.waitFor(
      async () => {
        expect(await valueOf(denials)).toBe(2);
        expect(await valueOf('iam_mutations_total{job="iam-gateway",operation="bindTenantMembership",outcome="error",reason="scope_mismatch"}')).toBe(1);
        expect(await valueOf('iam_mutations_total{job="iam-gateway",operation="bindTenantMembership",outcome="success"}')).toBe(1);
        expect(await valueOf('iam_mutations_total{job="iam-gateway",operation="createTenant",outcome="success"}')).toBe(1);
        expect(await valueOf('sum(iam_authz_decisions_total{job="iam-gateway",directive="requiresCeiling",allowed="false"})')).toBe(3);
        expect(await valueOf('sum by (reason) (iam_authz_decisions_total{job="iam-gateway",allowed="false",reason="role_ceiling_exceeded"})')).toBe(2);
        expect(await valueOf('iam_authz_decision_duration_seconds_count{job="iam-gateway"}')).toBe(5);
      },
      { timeout: 30_000, interval: 250 },
    );
    expect(await valueOf('iam_mutations_frozen{job="iam-gateway",scope="all"}')).toBe(0);

    // The series carry the scrape's target labels and nothing that names a tenant or a user.
    const series = await query('{job="iam-gateway",__name__=~"iam_.*"}');
    expect(series.length).toBeGreaterThan(20);
    for (const s of series) {
      expect(s.metric.instance).toBe(new URL(t.gateway.observability.metricsUrl!).host);
      expect(Object.values(s.metric).join(' ')).not.toContain(tenant.tenantId);
      expect(Object.values(s.metric).join(' ')).not.toContain(admin);
    }
  });

  it('loads and evaluates the alert rules on the live series without errors, none firing for a healthy gateway', async () => {
    type Rule = { name: string; health: string; lastError?: string; state: string; lastEvaluation: string };
    const rules = async () => {
      const body = (await (await fetch(`${api}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: Rule[] }[] } };
      return body.data.groups.flatMap((g) => g.rules);
    };
    await vi.waitFor(async () => expect((await rules()).every((r) => r.lastEvaluation !== '0001-01-01T00:00:00Z')).toBe(true), { timeout: 30_000, interval: 250 });
    const loaded = await rules();
    expect(loaded.map((r) => r.name).sort()).toEqual([
      'IamGatewayNotReady',
      'IamInsufficientPermissionsSurge',
      'IamInternalError',
      'IamMutationFailureSpike',
      'IamMutationFreezeLeftOn',
      'IamServiceUnavailableSustained',
    ]);
    for (const rule of loaded) expect(rule.health, `${rule.name}: ${rule.lastError ?? ''}`).toBe('ok');
    const byName = new Map(loaded.map((r) => [r.name, r.state]));
    expect(byName.get('IamGatewayNotReady')).toBe('inactive');
    expect(byName.get('IamInternalError')).toBe('inactive');
    expect(byName.get('IamMutationFreezeLeftOn')).toBe('inactive');
  });
});
