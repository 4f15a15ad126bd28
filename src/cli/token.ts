import { parseArgs } from 'node:util';
import { mintDevToken } from '../auth/dev-token.js';
import { loadConfig } from '../config.js';
import { devSecret } from './dev-secret.js';

// npm run token -- --sub alice [--email a@x] [--name Alice] [--expires 12h]
const { values } = parseArgs({
  options: { sub: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string', default: '12h' } },
});
if (!values.sub) {
  console.error('usage: npm run token -- --sub <subject> [--email <email>] [--name <name>] [--expires 12h]');
  process.exit(2);
}
const config = loadConfig();
const secret = config.jwtSecret ?? devSecret(config.dataDir);
const token = await mintDevToken(
  secret,
  { sub: values.sub, ...(values.email ? { email: values.email } : {}), ...(values.name ? { name: values.name } : {}) },
  { expiresIn: values.expires!, ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}), ...(config.jwtAudience ? { audience: config.jwtAudience } : {}) },
);
console.log(token);
