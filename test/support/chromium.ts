import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
