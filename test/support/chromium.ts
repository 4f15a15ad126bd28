import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's chromium; .ci/run installs it, and sets IAM_REQUIRE_BROWSER=1 so a missing one fails. */
export const CHROMIUM = '/usr/bin/chromium';
export const RUN_BROWSER_TESTS = existsSync(CHROMIUM) || process.env.IAM_REQUIRE_BROWSER === '1';

/** Headless, and without the background networking that this closed network would refuse. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Opens GraphiQL at `url`, pastes the query and the headers (insertText, as a paste: CodeMirror's
 * bracket auto-closing would mangle typed JSON) and runs it. Returns the response pane. `problems`
 * (page errors collected by the caller) goes into the error when the page does not render.
 */
export async function runInGraphiql(
  page: Page,
  { url, query, headers, renderTimeoutMs, problems = [] }: { url: string; query: string; headers: string; renderTimeoutMs: number; problems?: string[] },
): Promise<Locator> {
  await page.goto(url);
  const queryEditor = page.locator('.graphiql-query-editor .CodeMirror');
  await queryEditor.waitFor({ timeout: renderTimeoutMs }).catch((cause: unknown) => {
    throw new Error(`GraphiQL did not render:\n${problems.join('\n')}`, { cause });
  });
  await queryEditor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(query);

  const headersEditor = page.locator('section.graphiql-editor-tool[aria-label="Headers"] .CodeMirror:visible');
  await headersEditor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(headers);

  await page.locator('.graphiql-execute-button').click();
  return page.locator('.graphiql-response');
}

/** The response pane's JSON: CodeMirror renders spaces as U+00A0 and adds zero-width spaces. */
export async function responseJson(response: Locator): Promise<any> {
  return JSON.parse((await response.innerText()).replace(/\u00a0/g, ' ').replace(/\u200b/g, ''));
}
