/**
 * Self-hosted GraphiQL: the page and its four static assets come from npm
 * packages in node_modules, so the IDE works without any CDN or internet.
 *
 * The UMD bundles define the globals `React`, `ReactDOM` and `GraphiQL`
 * (graphiql@3's UMD build reads `React`/`ReactDOM` from the global object and
 * exposes the GraphiQL component, with `GraphiQL.createFetcher` attached).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const GRAPHIQL_ASSET_BASE = '/graphiql-assets';

// The header is sent as soon as the page loads, for the schema introspection: an empty value
// counts as no token (anonymous introspection is answered), a placeholder would be refused as an
// invalid token and leave the docs and autocompletion without a schema.
export const DEFAULT_GRAPHIQL_HEADERS = '{\n  "Authorization": ""\n}';

export const DEFAULT_GRAPHIQL_QUERY = `# Put "Bearer <token>" in the Authorization header below, then run.
# (npm run token -- --sub <subject> mints a development token.)
{
  me {
    id
    subject
    platformRoles
  }
}
`;

export interface GraphiqlPageOptions {
  endpoint: string;
  assetBase: string;
  defaultQuery?: string;
  defaultHeaders?: string;
}

export interface GraphiqlAsset {
  contentType: string;
  body: Buffer;
}

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

// The whitelist: served name -> [package, path inside the package, content type].
const ASSETS: Record<string, readonly [string, string, string]> = {
  'react.production.min.js': ['react', 'umd/react.production.min.js', 'text/javascript; charset=utf-8'],
  'react-dom.production.min.js': ['react-dom', 'umd/react-dom.production.min.js', 'text/javascript; charset=utf-8'],
  'graphiql.min.js': ['graphiql', 'graphiql.min.js', 'text/javascript; charset=utf-8'],
  'graphiql.min.css': ['graphiql', 'graphiql.min.css', 'text/css; charset=utf-8'],
};

const assetCache = new Map<string, GraphiqlAsset>();

/** One of the four whitelisted files (read once, then cached), or null for any other name. */
export function readGraphiqlAsset(name: string): GraphiqlAsset | null {
  if (!Object.hasOwn(ASSETS, name)) return null;
  let asset = assetCache.get(name);
  if (!asset) {
    const [pkg, file, contentType] = ASSETS[name]!;
    asset = { contentType, body: readFileSync(join(packageDir(pkg), file)) };
    assetCache.set(name, asset);
  }
  return asset;
}

/** A browser navigating to the endpoint (GET with Accept: text/html) gets the IDE. */
export function wantsGraphiql(method: string, accept: string | undefined): boolean {
  return method.toUpperCase() === 'GET' && (accept ?? '').toLowerCase().includes('text/html');
}

// The inline style and script are constants (per-page values travel in a JSON
// data block), so their hashes are fixed and a strict CSP can allow exactly them.
const PAGE_STYLE = 'html,body,#graphiql{height:100%;margin:0;}';

const BOOTSTRAP_SCRIPT = `
(function () {
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: config.endpoint }),
      defaultQuery: config.defaultQuery,
      defaultHeaders: config.defaultHeaders,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false
    })
  );
})();
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Content-Security-Policy to send with the page: scripts and styles only from
 * this origin plus the page's own inline bootstrap, requests only to this origin.
 * (Assumes assets and endpoint are served from the same origin as the page.)
 */
export const GRAPHIQL_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src 'self' ${sha256(BOOTSTRAP_SCRIPT)}`,
  `style-src 'self' ${sha256(PAGE_STYLE)}`,
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON that is safe inside a <script> element (no `</script>` or `<!--` breakout). */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const htmlAttr = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderGraphiqlPage(options: GraphiqlPageOptions): string {
  const config = {
    endpoint: options.endpoint,
    defaultQuery: options.defaultQuery ?? DEFAULT_GRAPHIQL_QUERY,
    defaultHeaders: options.defaultHeaders ?? DEFAULT_GRAPHIQL_HEADERS,
  };
  const asset = (file: string): string => htmlAttr(`${options.assetBase}/${file}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL</title>
<style>${PAGE_STYLE}</style>
<link rel="stylesheet" href="${asset('graphiql.min.css')}">
</head>
<body>
<div id="graphiql">Loading…</div>
<script type="application/json" id="graphiql-config">${scriptJson(config)}</script>
<script src="${asset('react.production.min.js')}"></script>
<script src="${asset('react-dom.production.min.js')}"></script>
<script src="${asset('graphiql.min.js')}"></script>
<script>${BOOTSTRAP_SCRIPT}</script>
</body>
</html>
`;
}
