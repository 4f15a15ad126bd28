// Generators for the fuzz property: hostile documents, variables, headers and tokens, built around
// a pool of real ids so that some requests reach deep into the gateway instead of failing early.
import { SignJWT, base64url } from 'jose';
import fc from 'fast-check';
import { mintDevToken } from '../../../src/auth/dev-token.js';
import {
  ASSIGN_PLATFORM,
  AUDIT,
  BIND_PROJECT,
  BIND_TENANT,
  BULK_BIND,
  CREATE_PROJECT,
  CREATE_TENANT,
  EXPLAIN,
  REHOME,
  REVOKE_PLATFORM,
  REVOKE_PROJECT,
  REVOKE_TENANT,
  SET_FREEZE,
} from '../../support/fixtures.js';
import { TEST_SECRET } from '../../support/gateway.js';

export interface FuzzPool {
  /** Ids that exist: tenants, projects, users. */
  ids: string[];
  /** Valid tokens of pre-provisioned subjects, strongest last. */
  tokens: string[];
  /** Subjects those tokens name (for forging). */
  subjects: string[];
}

export interface FuzzRequest {
  method: 'GET' | 'POST';
  /** Raw body for POST; search string for GET. */
  body: string;
  search: string;
  headers: Record<string, string>;
}

const EDIT_TEXT = ['{', '}', '(', ')', '$', '!', '...', '@include(if: true)', '@skip(if: $x)', '__schema', '__typename', '"', '"""', '\\', 'mutation', 'query', 'subscription', 'fragment F on User', 'on', '#', ':', '[', ']', '\u0000', 'a: me { id }', '$input', 'input: {}', '1e999', '-0', 'null', '\ud800'];

interface Edit {
  at: number;
  kind: 'delete' | 'insert' | 'duplicate';
  length: number;
  text: string;
}

function applyEdits(document: string, edits: Edit[]): string {
  let out = document;
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % out.length;
    if (edit.kind === 'delete') out = out.slice(0, at) + out.slice(at + edit.length);
    else if (edit.kind === 'insert') out = out.slice(0, at) + edit.text + out.slice(at);
    else out = out.slice(0, at) + out.slice(at, at + edit.length * 4) + out.slice(at);
  }
  return out;
}

/** Visible ASCII only: what an HTTP header value may carry. */
const headerText = (maxLength: number) => fc.string({ unit: 'binary-ascii', maxLength }).map((s) => s.replace(/[^\x20-\x7e]/g, '').trim());

async function sign(claims: Record<string, unknown>, options: { secret?: string; alg?: string; exp?: number | null; sub?: string | null } = {}): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt();
  if (options.sub !== null) jwt = jwt.setSubject(options.sub ?? 'fuzz-subject');
  if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? '1h');
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
}

/** Tokens that must all answer unauthenticated: unsigned, mis-signed, expired, incomplete, tampered, garbage. */
export async function forgedTokens(subject: string, valid: string): Promise<string[]> {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const [header, payload] = valid.split('.');
  return [
    `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: subject, exp })}.`,
    `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: subject, exp })}`,
    `${encode({ alg: 'RS256', typ: 'JWT' })}.${payload}.${valid.split('.')[2]}`,
    await mintDevToken('another-secret-of-sufficient-length-1234', { sub: subject }),
    await sign({}, { sub: subject, exp: Math.floor(Date.now() / 1000) - 3600 }),
    await sign({}, { sub: null }),
    await sign({}, { sub: '' }),
    await sign({}, { sub: subject, exp: null }),
    await sign({ sub: 12345 }, { sub: null }),
    await sign({}, { sub: 'x'.repeat(300) }),
    await sign({}, { sub: subject, alg: 'HS512' }),
    `${header}.${encode({ sub: 'root-admin', exp })}.${valid.split('.')[2]}`,
    valid.slice(0, -3),
    `${valid}.extra`,
    `${header}..`,
    '..',
    'a.b.c',
    'not-a-jwt',
  ];
}

/** Signed with the right key, but with claims an identity provider should never send. */
export const oddlySignedToken = fc
  .record({
    sub: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), fc.constantFrom('\u0000', 'a\u0000b', ' ', '\ud800', 'x'.repeat(255))),
    email: fc.option(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constant('a\u0000@b')), { nil: undefined }),
    name: fc.option(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constant('\u0000'), fc.constant('n'.repeat(5000))), { nil: undefined }),
  })
  .map(({ sub, email, name }) => ({ sub, email, name }));

export async function signOddly(claims: { sub: string; email?: string | undefined; name?: string | undefined }): Promise<string> {
  const extra: Record<string, unknown> = {};
  if (claims.email !== undefined) extra.email = claims.email;
  if (claims.name !== undefined) extra.name = claims.name;
  return sign(extra, { sub: claims.sub });
}

/** Every operation of the schema, with the variables it declares: values below are drawn per field. */
const OPERATIONS: { document: string; variables: Record<string, string> }[] = [
  { document: '{ me { id subject email displayName platformRoles tenantMemberships { id role status tenant { id slug } } projectMemberships { id role } } }', variables: {} },
  { document: 'query($first: Int, $after: String) { tenants(first: $first, after: $after) { nodes { id slug members { nodes { id role user { id } } } projects { nodes { id slug } } } pageInfo { hasNextPage endCursor } } }', variables: { first: 'int', after: 'cursor' } },
  { document: 'query($id: ID!) { tenant(id: $id) { id slug name members(first: 5) { nodes { id role status } } projects { nodes { id } } } }', variables: { id: 'id' } },
  { document: 'query($tenantId: ID!, $id: ID!) { project(tenantId: $tenantId, id: $id) { id slug tenant { id } members { nodes { id role } } } }', variables: { tenantId: 'id', id: 'id' } },
  { document: 'query($id: ID!) { user(id: $id) { id subject platformRoles tenantMemberships { id role } projectMemberships { id } } }', variables: { id: 'id' } },
  { document: '{ iamStatus { frozen freezeScope reason since by { id } } }', variables: {} },
  { document: '{ __typename }', variables: {} },
  { document: '{ __schema { queryType { name } } }', variables: {} },
  { document: 'query Named { me { id } } query Other { iamStatus { frozen } }', variables: {} },
  { document: 'fragment U on User { id subject } query { me { ...U } }', variables: {} },
  { document: AUDIT, variables: { filter: 'filter', first: 'int', after: 'cursor' } },
  { document: EXPLAIN, variables: { input: 'explain' } },
  { document: CREATE_TENANT, variables: { input: 'createTenant' } },
  { document: CREATE_PROJECT, variables: { input: 'createProject' } },
  { document: BIND_TENANT, variables: { input: 'bindTenant' } },
  { document: REVOKE_TENANT, variables: { input: 'revokeTenant' } },
  { document: BIND_PROJECT, variables: { input: 'bindProject' } },
  { document: REVOKE_PROJECT, variables: { input: 'revokeProject' } },
  { document: BULK_BIND, variables: { input: 'bulkBind' } },
  { document: ASSIGN_PLATFORM, variables: { input: 'platformRole' } },
  { document: REVOKE_PLATFORM, variables: { input: 'platformRole' } },
  { document: REHOME, variables: { input: 'rehome' } },
  { document: SET_FREEZE, variables: { input: 'freeze' } },
  {
    document: `mutation($a: BindTenantMembershipInput!, $b: RevokeTenantMembershipInput!) { a: bindTenantMembership(input: $a) { changed } b: revokeTenantMembership(input: $b) { changed } }`,
    variables: { a: 'bindTenant', b: 'revokeTenant' },
  },
];

export const CORPUS = OPERATIONS.map((o) => o.document);

export function fuzzRequest(pool: FuzzPool, forged: string[]): fc.Arbitrary<FuzzRequest> {
  const [someId = '00000000-0000-4000-8000-000000000000'] = pool.ids;
  // Plausible text with one character PostgreSQL text or JSON cannot hold, or that misleads readers.
  const poison = fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\uffff', '\u{10ffff}', '\u00ad');
  const tainted = fc
    .tuple(fc.constantFrom(...pool.ids, 'Fuzz name', 'a reason', 'tenant_membership.bind', 'safety-correlation'), poison, fc.nat())
    .map(([base, bad, at]) => base.slice(0, at % (base.length + 1)) + bad + base.slice(at % (base.length + 1)));
  const dates = fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59-23:59',
    '2024-02-30T00:00:00Z',
    '2024-01-01',
    '2024-01-01T25:00:00Z',
    '1970-01-01T00:00:00Z',
    '2024-01-01T00:00:00.123456789Z',
  );
  const nasty: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 3, arbitrary: tainted },
    { weight: 1, arbitrary: dates },
    { weight: 2, arbitrary: fc.uuid() },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'null',
        '00000000-0000-0000-0000-000000000000',
        someId.toUpperCase(),
        `${someId} `,
        someId.replaceAll('-', ''),
        someId.slice(0, 35),
        "'; drop table users; --",
        '{"$ne":null}',
        'tenant_owner',
        'OWNER',
        'MjAyNC0wMS0wMVQwMDowMDowMC4wMDBafDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA',
      ),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.nat(60_000).map((n) => 'x'.repeat(n)) },
    { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(2 ** 53), fc.constant(-1)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  // Mostly well-formed values (so requests get past validation and into scope, policy and SQL), else nasty.
  // Present one time in ten: an unknown field or a bad page argument stops a request before anything else.
  const rarely = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
  const mostly = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: nasty });
  const id = mostly(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pool.ids) }, { weight: 1, arbitrary: fc.uuid() }));
  const oneOf = (...values: string[]) => mostly(fc.constantFrom(...values));
  const text = mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), tainted));
  const slug = mostly(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/), fc.constantFrom('Bad Slug', 'ok-', '-x', 'a')));
  const field = (shape: Record<string, fc.Arbitrary<unknown>>) =>
    // Now and then a required field is missing, or an unknown one is added.
    fc.tuple(fc.record(shape, { requiredKeys: [] }), fc.record(shape), rarely(nasty), fc.nat(9)).map(([some, all, extra, pickAll]) => ({
      ...(pickAll > 0 ? all : some),
      ...(extra === undefined ? {} : { unexpected: extra }),
    }));
  const binding = fc.record({ userId: id, role: oneOf('OWNER', 'ADMIN', 'EDITOR', 'VIEWER') });
  const shapes: Record<string, fc.Arbitrary<unknown>> = {
    id,
    int: rarely(mostly(fc.integer({ min: -5, max: 300 }))),
    cursor: rarely(mostly(fc.constantFrom('MjAyNC0wMS0wMVQwMDowMDowMC4wMDBafDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA', 'MQ', ''))),
    filter: field({
      correlationId: text,
      actorUserId: id,
      targetUserId: id,
      tenantId: id,
      projectId: id,
      action: mostly(fc.constantFrom('tenant_membership.bind', 'user.rehome', 'x')),
      since: mostly(dates),
      until: mostly(dates),
    }),
    explain: field({
      action: oneOf('BIND', 'REVOKE'),
      scope: oneOf('PLATFORM', 'TENANT', 'PROJECT'),
      tenantId: id,
      projectId: id,
      userId: id,
      role: oneOf('tenant_owner', 'tenant_admin', 'project_viewer', 'platform_admin', 'OWNER'),
    }),
    createTenant: field({ slug, name: text, ownerUserId: id }),
    createProject: field({ tenantId: id, slug, name: text }),
    bindTenant: field({ tenantId: id, userId: id, role: oneOf('OWNER', 'ADMIN', 'MEMBER') }),
    revokeTenant: field({ tenantId: id, userId: id }),
    bindProject: field({ tenantId: id, projectId: id, userId: id, role: oneOf('OWNER', 'ADMIN', 'EDITOR', 'VIEWER') }),
    revokeProject: field({ tenantId: id, projectId: id, userId: id }),
    bulkBind: field({
      tenantId: id,
      projectId: id,
      bindings: mostly(fc.oneof(fc.array(binding, { maxLength: 6 }), fc.nat(700).map((n) => Array.from({ length: n }, (_, i) => ({ userId: pool.ids[i % pool.ids.length], role: 'VIEWER' }))))),
    }),
    platformRole: field({ userId: id, role: oneOf('ADMIN', 'AUDITOR') }),
    rehome: field({ userId: id, fromTenantId: id, toTenantId: id, role: oneOf('OWNER', 'ADMIN', 'MEMBER'), reason: text }),
    freeze: field({ frozen: mostly(fc.boolean()), scope: oneOf('BULK', 'ALL'), reason: text }),
  };
  const operation = fc.constantFrom(...OPERATIONS).chain((op) =>
    fc.record({
      document: fc.constant<unknown>(op.document),
      variables: fc.oneof(
        { weight: 40, arbitrary: fc.record(Object.fromEntries(Object.entries(op.variables).map(([name, shape]) => [name, shapes[shape]!]))) as fc.Arbitrary<unknown> },
        { weight: 1, arbitrary: nasty },
      ),
    }),
  );
  const edit: fc.Arbitrary<Edit> = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('delete', 'insert', 'duplicate'),
    length: fc.nat(20),
    text: fc.oneof(fc.constantFrom(...EDIT_TEXT), fc.string({ maxLength: 10 })),
  });
  const request = fc.oneof(
    { weight: 12, arbitrary: operation },
    {
      weight: 3,
      arbitrary: fc
        .tuple(operation, fc.array(edit, { minLength: 1, maxLength: 4 }))
        .map(([op, edits]) => ({ ...op, document: applyEdits(op.document as string, edits) as unknown })),
    },
    { weight: 1, arbitrary: fc.record({ document: fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), nasty), variables: nasty }) },
  );
  const authorization = fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...pool.tokens).map((t) => `Bearer ${t}`) },
    { weight: 2, arbitrary: fc.constantFrom(...forged).map((t) => `Bearer ${t}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...pool.tokens), fc.constantFrom('bearer %', 'Basic %', 'Bearer  % x', 'Bearer', 'Token %', 'Bearer %,Bearer %'))
        .map(([t, shape]) => shape.replaceAll('%', t)),
    },
    { weight: 1, arbitrary: headerText(80) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const headers = fc
    .record({
      authorization,
      'content-type': fc.oneof(
        { weight: 30, arbitrary: fc.constant('application/json') },
        { weight: 2, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/graphql', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '') },
        { weight: 1, arbitrary: headerText(40) },
      ),
      'x-correlation-id': fc.oneof(fc.constant(undefined), fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/), headerText(100)),
      traceparent: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-00000000000000000000000000000000-0000000000000000-00') },
        { weight: 1, arbitrary: headerText(60) },
      ),
      accept: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('application/json', 'application/graphql-response+json', 'text/html', '*/*', 'image/png') },
      ),
      'apollo-require-preflight': fc.option(fc.constant('true'), { nil: undefined }),
    })
    .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);
  const operationName = fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('Named', 'Other', 'Missing', '') }, { weight: 1, arbitrary: nasty });
  const jsonBody = fc
    .record({ request, operationName })
    .map(({ request: r, operationName: name }) => JSON.stringify({ query: r.document, variables: r.variables, ...(name === undefined ? {} : { operationName: name }) }));
  const body = fc.oneof(
    { weight: 30, arbitrary: jsonBody },
    { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), jsonBody.map((b) => b.slice(0, Math.floor(b.length / 2)))) },
    { weight: 1, arbitrary: fc.oneof(fc.constant('[]'), fc.constant('null'), fc.constant('""'), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))) },
  );
  const post = fc.record({ body, headers }).map(({ body: b, headers: h }): FuzzRequest => ({ method: 'POST', body: b, search: '', headers: h }));
  const get = fc.record({ request, headers }).map(({ request: r, headers: h }): FuzzRequest => {
    const search = new URLSearchParams();
    if (typeof r.document === 'string') search.set('query', r.document.slice(0, 4000));
    if (r.variables !== undefined) search.set('variables', JSON.stringify(r.variables)?.slice(0, 4000) ?? '');
    return { method: 'GET', body: '', search: `?${search.toString()}`, headers: h };
  });
  return fc.oneof({ weight: 12, arbitrary: post }, { weight: 1, arbitrary: get });
}
