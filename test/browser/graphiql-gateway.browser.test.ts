/**
 * GraphiQL served by the real gateway, in headless Chromium: the page, its assets, the
 * introspection it runs before a token is pasted, and a query authenticated with a real token
 * all go to the gateway, and nothing leaves 127.0.0.1.
 */
import type { Browser } from 'playwright-core';
import { launchChromium, responseJson, RUN_BROWSER_TESTS, runInGraphiql } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, uid, type TestGateway } from '../support/gateway.js';


describe.skipIf(!RUN_BROWSER_TESTS)('GraphiQL on the real gateway', () => {
  let t: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestGateway();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('runs { me { id } } with a pasted bearer token and shows the caller\'s id', async () => {
    const sub = uid('graphiql');
    const token = await t.token(sub);
    const userId = await t.userId(sub);

    const context = await browser.newContext();
    const external: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== '127.0.0.1') {
        external.push(url.href);
        return route.abort();
      }
      return route.continue();
    });
    const page = await context.newPage();
    const answers: { query: string; authorization: string | undefined; status: number; body: any }[] = [];
    page.on('response', async (response) => {
      const request = response.request();
      if (new URL(response.url()).pathname !== '/graphql' || request.method() !== 'POST') return;
      answers.push({ query: String(request.postDataJSON()?.query ?? ''), authorization: request.headers().authorization, status: response.status(), body: await response.json() });
    });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });

    const response = await runInGraphiql(page, {
      url: `${t.url}/graphql`,
      query: '{ me { id } }',
      headers: JSON.stringify({ Authorization: `Bearer ${token}` }),
      renderTimeoutMs: 20_000,
      problems,
    });
    await expect.poll(() => response.innerText(), { timeout: 20_000 }).toContain(userId);
    expect(await responseJson(response)).toEqual({ data: { me: { id: userId } } });
    // The query went with the pasted token.
    expect(answers.find((a) => a.query === '{ me { id } }')).toMatchObject({ authorization: `Bearer ${token}`, status: 200 });
    // The introspection GraphiQL runs on load, before any token, was answered: the docs and
    // autocompletion have a schema.
    const introspection = answers.filter((a) => a.query.includes('__schema'));
    expect(introspection.length).toBeGreaterThan(0);
    for (const answer of introspection) {
      expect(answer.status).toBe(200);
      expect(answer.body.data.__schema.queryType.name).toBe('Query');
    }
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows the unauthenticated envelope when the pasted token is not valid', async () => {
    const context = await browser.newContext();
    await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
    const page = await context.newPage();
    const response = await runInGraphiql(page, {
      url: `${t.url}/graphql`,
      query: '{ me { id } }',
      headers: '{"Authorization": "Bearer not-a-real-token"}',
      renderTimeoutMs: 20_000,
    });
    await expect.poll(() => response.innerText(), { timeout: 20_000 }).toContain('invalid_token');
    const body = await responseJson(response);
    expect(body.errors[0].extensions).toMatchObject({ code: 'unauthenticated', reason: 'invalid_token', retryable: false });
    expect(body.data).toBeUndefined();
    await context.close();
  }, 120_000);
});
