import type { Logger } from 'pino';
import type { AuthzGrant, ReadScope } from './authz/types.js';
import type { Loaders } from './loaders.js';
import type { Services } from './services.js';

export interface Actor {
  userId: string;
  subject: string;
}

/** Built once per request. actor is null only for an anonymous introspection-only request. */
export interface GatewayContext {
  correlationId: string;
  traceId: string;
  log: Logger;
  actor: Actor | null;
  services: Services;
  loaders: Loaders;
  /** Set by the policy transformer on the context it hands to a @requiresCeiling resolver. */
  authz: AuthzGrant | null;
  /** Set by the policy transformer for a @tenantScoped query. */
  scope: ReadScope | null;
}

export function requireActor(ctx: GatewayContext): Actor {
  if (ctx.actor === null) throw new Error('requireActor called on an anonymous context (the transformer should have refused it)');
  return ctx.actor;
}
