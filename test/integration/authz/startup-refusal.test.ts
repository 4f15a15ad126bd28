// The gateway refuses to build a schema in which a root field could run without an authorization
// decision, or a directive points at an argument that is not there (fail closed at startup).

import { describe, expect, it } from 'vitest';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { loadConfig } from '../../../src/config.js';
import type { AuthorizeDeps } from '../../../src/authz/authorize.js';
import { buildGatewaySchema, loadTypeDefs } from '../../../src/schema.js';

// Building the schema reads no rows: a database that is never opened shows that, and fails loudly if touched.
const deps: AuthorizeDeps = {
  config: loadConfig({ IAM_JWT_SECRET: 'startup-refusal-test-secret-0123456789' }),
  database: new Proxy({} as AuthorizeDeps['database'], {
    get: () => {
      throw new Error('schema building touched the database');
    },
  }),
};

function build(extraSdl?: string): GraphQLSchema {
  return buildGatewaySchema(deps, extraSdl === undefined ? loadTypeDefs() : [...loadTypeDefs(), extraSdl]);
}

function refusal(extraSdl: string): string {
  try {
    build(extraSdl);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the schema was accepted');
}

describe('the real schema', () => {
  it('is accepted', () => {
    expect(() => build()).not.toThrow();
  });

  it('has every root field wrapped: without an actor each one refuses before its resolver runs', async () => {
    const schema = build();
    const roots = [schema.getQueryType()!, schema.getMutationType()!];
    const fields = roots.flatMap((root) => Object.values(root.getFields()).map((field) => ({ where: `${root.name}.${field.name}`, field })));
    expect(fields.length).toBeGreaterThan(15);
    const anonymous = { actor: null, authz: null, scope: null, correlationId: 'c', traceId: '0'.repeat(32) };
    for (const { where, field } of fields) {
      const outcome = await (async () => field.resolve!(undefined, {}, anonymous, undefined as never))().then(
        () => 'resolved',
        (error: unknown) => (error instanceof GraphQLError ? error.extensions.reason : String(error)),
      );
      expect(outcome, where).toBe('missing_token');
    }
  });

  it('accepts an added field that is authorized and reads every role it takes', () => {
    expect(() =>
      build(`
        extend type Query { ping: String @authenticated }
        extend type Mutation {
          grantAgain(input: BindTenantMembershipInput!): TenantMembershipPayload!
            @tenantScoped(tenant: "input.tenantId")
            @requiresCeiling(scope: TENANT, action: BIND, role: "input.role", user: "input.userId")
        }
      `),
    ).not.toThrow();
  });
});

describe('a root field without an authorization directive', () => {
  it('a query field is refused, named in the message', () => {
    const message = refusal('extend type Query { naked: String }');
    expect(message).toMatch(/^Refusing to start: the schema is not fully authorized/);
    expect(message).toContain('Query.naked has no authorization directive');
  });

  it('a mutation with no directive at all is refused', () => {
    expect(refusal('extend type Mutation { wipe(tenantId: ID!): Boolean }')).toContain('Mutation.wipe has no authorization directive');
  });

  it('a subscription is refused, even with a directive', () => {
    expect(refusal('type Subscription { events: String @authenticated }')).toContain('Subscription.events: subscriptions are not authorized');
  });

  it('every offending field is listed, not only the first', () => {
    const message = refusal('extend type Query { a: String b: String }');
    expect(message).toContain('Query.a has no');
    expect(message).toContain('Query.b has no');
  });
});

describe('an authorization directive where it is not enforced', () => {
  it('on a field of another type is refused rather than silently ignored', () => {
    const message = refusal(`
      extend type Tenant {
        purge(userId: ID!): Boolean @requiresCeiling(scope: TENANT, action: REVOKE, user: "userId")
        secrets: String @authenticated
      }
    `);
    expect(message).toContain('Tenant.purge carries an authorization directive, which is enforced only on root Query and Mutation fields');
    expect(message).toContain('Tenant.secrets carries an authorization directive');
  });
});

describe('a mutation without @requiresCeiling', () => {
  it('is refused with @authenticated alone', () => {
    expect(refusal('extend type Mutation { touch(userId: ID!): Boolean @authenticated }')).toContain(
      'Mutation.touch is a mutation without @requiresCeiling',
    );
  });

  it('is refused with @tenantScoped alone', () => {
    expect(refusal('extend type Mutation { touch(tenantId: ID!): Boolean @tenantScoped(tenant: "tenantId") }')).toContain(
      'Mutation.touch is a mutation without @requiresCeiling',
    );
  });
});

describe('a mutation taking a role that its @requiresCeiling does not read', () => {
  it('a role argument at the top level', () => {
    expect(
      refusal('extend type Mutation { grant(userId: ID!, role: PlatformRole!): Boolean @requiresCeiling(scope: PLATFORM, action: REVOKE, user: "userId") }'),
    ).toContain('Mutation.grant takes the role "role" without a @requiresCeiling that reads it');
  });

  it('a role nested in an input', () => {
    const message = refusal(`
      input GrantInput { tenantId: ID!, userId: ID!, role: TenantRole! }
      extend type Mutation {
        grant(input: GrantInput!): Boolean
          @tenantScoped(tenant: "input.tenantId")
          @requiresCeiling(scope: TENANT, action: REVOKE, user: "input.userId")
      }
    `);
    expect(message).toContain('Mutation.grant takes the role "input.role" without a @requiresCeiling that reads it');
  });

  it('a list of roles', () => {
    expect(
      refusal('extend type Mutation { grant(userId: ID!, roles: [TenantRole!]!): Boolean @requiresCeiling(scope: PLATFORM, action: REVOKE, user: "userId", role: "userId") }'),
    ).toContain('takes the role "roles"');
  });

  it('a role inside a list of inputs the directive does not name as items', () => {
    const message = refusal(`
      input GrantItem { userId: ID!, role: ProjectRole! }
      input GrantManyInput { tenantId: ID!, projectId: ID!, grants: [GrantItem!]! }
      extend type Mutation {
        grantMany(input: GrantManyInput!): Boolean
          @tenantScoped(tenant: "input.tenantId", project: "input.projectId")
          @requiresCeiling(scope: PROJECT, action: REVOKE)
      }
    `);
    expect(message).toContain('Mutation.grantMany takes the role "input.grants.role"');
  });

  it('a second role beside the one the directive reads', () => {
    const message = refusal(`
      input DoubleInput { tenantId: ID!, userId: ID!, role: TenantRole!, alsoRole: TenantRole }
      extend type Mutation {
        grantTwice(input: DoubleInput!): Boolean
          @tenantScoped(tenant: "input.tenantId")
          @requiresCeiling(scope: TENANT, action: BIND, role: "input.role", user: "input.userId")
      }
    `);
    expect(message).toContain('takes the role "input.alsoRole"');
    expect(message).not.toContain('"input.role"');
  });

  it('a role nested deeper than any fixed depth', () => {
    const levels = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7'];
    const inputs = levels.map((name, i) => `input ${name} { ${i + 1 < levels.length ? `next: ${levels[i + 1]}` : 'role: TenantRole!'} }`).join('\n');
    const message = refusal(`
      ${inputs}
      extend type Mutation { deep(userId: ID!, input: L1!): Boolean @requiresCeiling(scope: PLATFORM, action: FREEZE) }
    `);
    expect(message).toContain('Mutation.deep takes the role "input.next.next.next.next.next.next.role"');
  });

  it('a role in a recursive input is refused, and the check terminates', () => {
    const message = refusal(`
      input RoleTree { role: TenantRole, children: [RoleTree!] }
      extend type Mutation {
        grantTree(userId: ID!, tree: RoleTree!): Boolean @requiresCeiling(scope: PLATFORM, action: BIND, role: "tree.role", user: "userId")
      }
    `);
    expect(message).toContain('Mutation.grantTree takes the role "tree.children.*" without a @requiresCeiling that reads it');
  });
});

describe('a directive naming an argument path that does not exist', () => {
  it('in @requiresCeiling', () => {
    const message = refusal(`
      extend type Mutation {
        kick(input: RevokeTenantMembershipInput!): TenantMembershipPayload!
          @tenantScoped(tenant: "input.tenantId")
          @requiresCeiling(scope: TENANT, action: REVOKE, user: "input.memberId")
      }
    `);
    expect(message).toContain('Mutation.kick: directive names argument "input.memberId", which does not exist');
  });

  it('in @tenantScoped', () => {
    expect(refusal('extend type Query { peek(tenantId: ID!): String @tenantScoped(tenant: "tenant") }')).toContain(
      'Query.peek: directive names argument "tenant", which does not exist',
    );
  });

  it('a path that continues past a scalar', () => {
    const message = refusal(`
      extend type Mutation {
        kick(input: RevokeTenantMembershipInput!): TenantMembershipPayload!
          @tenantScoped(tenant: "input.tenantId.id")
          @requiresCeiling(scope: TENANT, action: REVOKE, user: "input.userId")
      }
    `);
    expect(message).toContain('directive names argument "input.tenantId.id", which does not exist');
  });

  it('a path that goes through a list, where no single value can be read', () => {
    const message = refusal(`
      input GrantItem { userId: ID!, role: ProjectRole! }
      input GrantManyInput { tenantId: ID!, projectId: ID!, grants: [GrantItem!]! }
      extend type Mutation {
        grantMany(input: GrantManyInput!): Boolean
          @tenantScoped(tenant: "input.tenantId", project: "input.projectId")
          @requiresCeiling(scope: PROJECT, action: BIND, role: "input.grants.role", user: "input.grants.userId")
      }
    `);
    expect(message).toContain('directive names argument "input.grants.role", which does not exist');
    expect(message).toContain('directive names argument "input.grants.userId", which does not exist');
  });

  it('a role path with a typo: the path is missing and the real role is unread', () => {
    const message = refusal(`
      extend type Mutation {
        grantTypo(input: BindTenantMembershipInput!): TenantMembershipPayload!
          @tenantScoped(tenant: "input.tenantId")
          @requiresCeiling(scope: TENANT, action: BIND, role: "input.rol", user: "input.userId")
      }
    `);
    expect(message).toContain('directive names argument "input.rol", which does not exist');
    expect(message).toContain('takes the role "input.role"');
  });
});
