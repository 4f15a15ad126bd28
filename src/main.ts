import { startGateway } from './app.js';
import { devSecret } from './cli/dev-secret.js';
import { loadConfig } from './config.js';
import { DEMO_ADMIN_SUBJECT, seedDemo } from './demo/seed.js';

async function main(): Promise<void> {
  const demo = process.argv.includes('--demo');
  let config = loadConfig();
  if (config.jwtSecret === null && config.jwksUrl === null && !config.production) {
    config = { ...config, jwtSecret: devSecret(config.dataDir) };
    console.warn(`WARNING: using the development-only token secret in ${config.dataDir}/dev-jwt-secret; set IAM_JWT_SECRET or IAM_JWKS_URL for anything real.`);
  }
  if (demo && !config.bootstrapPlatformAdmins.includes(DEMO_ADMIN_SUBJECT)) {
    config = { ...config, bootstrapPlatformAdmins: [...config.bootstrapPlatformAdmins, DEMO_ADMIN_SUBJECT] };
  }
  const gateway = await startGateway(config);
  const shutdown = (signal: string) => {
    gateway.logger.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  if (demo) {
    await gateway.ready;
    if (config.jwtSecret === null) {
      console.warn('Demo tokens need an HS256 secret (IAM_JWT_SECRET); skipping the demo data set.');
      return;
    }
    const users = await seedDemo(gateway.url, config.jwtSecret);
    const lines = [
      '',
      `IAM gateway is running on ${gateway.database.kind === 'pglite' ? `embedded PGlite (${config.dataDir})` : 'PostgreSQL'}.`,
      `Open GraphiQL: ${gateway.url}/graphql`,
      'Paste one of these into the Headers tab as {"Authorization": "Bearer <token>"}, then run { me { id platformRoles tenantMemberships { role tenant { slug } } } }',
      '',
      ...users.flatMap((u) => [`  ${u.sub}  (${u.role})`, `    ${u.token}`]),
      '',
      'Mint another token: npm run token -- --sub <subject>',
      '',
    ];
    console.log(lines.join('\n'));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
