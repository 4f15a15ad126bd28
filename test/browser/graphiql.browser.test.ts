/**
 * Real-browser check of the self-hosted GraphiQL page: headless Chromium loads
 * the page and its npm-served assets from a tiny local server, with every
 * non-local request blocked, and runs a query whose Authorization header must
 * reach the server through GraphiQL's own fetcher.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';
import type { Browser } from 'playwright-core';
import { launchChromium, responseJson, RUN_BROWSER_TESTS, runInGraphiql } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GRAPHIQL_ASSET_BASE,
  GRAPHIQL_CONTENT_SECURITY_POLICY,
  readGraphiqlAsset,
  renderGraphiqlPage,
  wantsGraphiql,
} from '../../src/http/graphiql.js';


// A real (tiny) schema, so GraphiQL's introspection request also gets a valid answer.
const schema = buildSchema('type User { id: ID! } type Query { me: User }');

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

function startServer(authSeen: string[]): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/graphql' && wantsGraphiql(req.method ?? '', req.headers.accept)) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': GRAPHIQL_CONTENT_SECURITY_POLICY,
      });
      res.end(renderGraphiqlPage({ endpoint: '/graphql', assetBase: GRAPHIQL_ASSET_BASE }));
    } else if (url.pathname.startsWith(`${GRAPHIQL_ASSET_BASE}/`)) {
      const asset = readGraphiqlAsset(url.pathname.slice(GRAPHIQL_ASSET_BASE.length + 1));
      res.writeHead(asset ? 200 : 404, { 'content-type': asset?.contentType ?? 'text/plain' });
      res.end(asset?.body ?? 'not found');
    } else if (url.pathname === '/graphql' && req.method === 'POST') {
      const authorization = req.headers.authorization ?? '';
      authSeen.push(authorization);
      const { query, variables, operationName } = JSON.parse(await readBody(req));
      const result = await graphql({
        schema,
        source: query,
        variableValues: variables,
        operationName,
        rootValue: { me: { id: authorization } },
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!RUN_BROWSER_TESTS)('GraphiQL in a real browser', () => {
  const authSeen: string[] = [];
  let server: Server;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startServer(authSeen);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('runs a query with an Authorization header, without any external request', async () => {
    const context = await browser.newContext();
    const external: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      external.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });

    const response = await runInGraphiql(page, {
      url: `${baseUrl}/graphql`,
      query: '{ me { id } }',
      headers: '{"Authorization": "Bearer test-token"}',
      renderTimeoutMs: 15_000,
      problems,
    });
    await expect.poll(() => response.innerText(), { timeout: 20_000 }).toContain('Bearer test-token');
    expect(await responseJson(response)).toEqual({ data: { me: { id: 'Bearer test-token' } } });
    expect(authSeen).toContain('Bearer test-token');
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
