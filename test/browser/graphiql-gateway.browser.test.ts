/**
 * GraphiQL served by the real gateway, in headless Chromium: the page, its assets, the
 * introspection it runs before a token is pasted, and a query authenticated with a real token
 * all go to the gateway, and nothing leaves 127.0.0.1.
 */
import type { Browser } from 'playwright-core';
import { launchChromium, RUN_BROWSER_TESTS } from '../support/chromium.js';
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

    await page.goto(`${t.url}/graphql`);
    const queryEditor = page.locator('.graphiql-query-editor .CodeMirror');
    await queryEditor.waitFor({ timeout: 20_000 }).catch((cause: unknown) => {
      throw new Error(`GraphiQL did not render:\n${problems.join('\n')}`, { cause });
    });

    // insertText, as a paste: CodeMirror's bracket auto-closing would mangle typed JSON.
    await queryEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('{ me { id } }');

    const headersEditor = page.locator('section.graphiql-editor-tool[aria-label="Headers"] .CodeMirror:visible');
    await headersEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));

    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response');
    await expect.poll(() => response.innerText(), { timeout: 20_000 }).toContain(userId);

    // CodeMirror renders spaces as U+00A0; normalise before parsing the response JSON.
    const text = (await response.innerText()).replace(/\u00a0/g, ' ').replace(/\u200b/g, '');
    expect(JSON.parse(text)).toEqual({ data: { me: { id: userId } } });
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
    await page.goto(`${t.url}/graphql`);
    const queryEditor = page.locator('.graphiql-query-editor .CodeMirror');
    await queryEditor.waitFor({ timeout: 20_000 });
    await queryEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('{ me { id } }');
    const headersEditor = page.locator('section.graphiql-editor-tool[aria-label="Headers"] .CodeMirror:visible');
    await headersEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('{"Authorization": "Bearer not-a-real-token"}');
    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response');
    await expect.poll(() => response.innerText(), { timeout: 20_000 }).toContain('invalid_token');
    const body = JSON.parse((await response.innerText()).replace(/\u00a0/g, ' ').replace(/\u200b/g, ''));
    expect(body.errors[0].extensions).toMatchObject({ code: 'unauthenticated', reason: 'invalid_token', retryable: false });
    expect(body.data).toBeUndefined();
    await context.close();
  }, 120_000);
});
