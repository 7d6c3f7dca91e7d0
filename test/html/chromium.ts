/**
 * Headless Chromium for the rendering tests: Debian's `chromium` driven by
 * playwright-core (no browser download). Every request a page makes is
 * recorded, so tests can assert that nothing was fetched.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['IPTLINT_CHROMIUM'] ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // Root (CI) cannot use Chromium's user-namespace sandbox.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

/** A page that records the URL of every request it makes. */
export async function recordingPage(browser: Browser): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  return { page, requests };
}
