import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
export { freePort } from '../../src/free-port';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Debian's Chromium, headless, with fake camera and microphone (unless told otherwise) and no permission prompt (unless told). */
export function launchChromium(opts: { promptForMedia?: boolean; noDevices?: boolean } = {}): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      // Without the fake devices, this machine has no camera and no microphone at all.
      ...(opts.noDevices ? [] : ['--use-fake-device-for-media-stream']), ...(opts.promptForMedia ? [] : ['--use-fake-ui-for-media-stream']),
      '--no-sandbox', '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface Watched {
  page: Page;
  /** Uncaught errors and CSP violations the page reported. */
  problems: string[];
}

/**
 * A page in its own browser context (its own cookies, storage and permissions, as another
 * person's browser would be), recording its errors and CSP violations, and with every WebSocket
 * it opens kept in `window.__sockets` so a test can cut the connection as a network would.
 */
export async function openPage(browser: Browser, opts: { context?: BrowserContext; language?: string; viewport?: { width: number; height: number } } = {}): Promise<Watched> {
  const context = opts.context ?? (await browser.createBrowserContext());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${(e as Error).message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  if (opts.language) {
    await page.setExtraHTTPHeaders({ 'accept-language': opts.language });
    await page.evaluateOnNewDocument((lang: string) => {
      Object.defineProperty(navigator, 'language', { get: () => lang });
      Object.defineProperty(navigator, 'languages', { get: () => [lang] });
    }, opts.language);
  }
  await page.evaluateOnNewDocument(() => {
    const w = window as any;
    w.__sockets = [];
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    // While __blockSockets is set, new sockets fail at once (a path the server refuses to
    // upgrade, on the page's own origin so the CSP allows the attempt): a network outage.
    w.__blockSockets = false;
    const Native = window.WebSocket;
    w.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(w.__blockSockets ? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/network-is-down` : url, protocols);
        w.__sockets.push(this);
      }
    };
  });
  await page.setViewport(opts.viewport ?? { width: 1280, height: 800 });
  return { page, problems };
}

/** Frames the <video> with this test id has decoded so far (0 while it shows nothing). */
export const framesDecoded = (page: Page, testid = 'remote-video') =>
  page.$eval(`[data-testid="${testid}"]`, (v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames);

/** Writes a screenshot under docs/screenshots when SCREENSHOTS is set (they are checked in). */
export async function screenshot(page: Page, name: string) {
  if (!process.env.SCREENSHOTS) return;
  const dir = join(__dirname, '..', '..', 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) as `${string}.png` });
}

/** Cuts the page's open sockets and refuses new ones until restore() is called: the network is gone. */
export async function dropNetwork(page: Page) {
  await page.evaluate(() => {
    const w = window as any;
    w.__blockSockets = true;
    for (const s of w.__sockets as WebSocket[]) if (s.readyState <= 1) s.close(4000, 'test: network gone');
  });
  return {
    restore: () => page.evaluate(() => {
      (window as any).__blockSockets = false;
    }),
  };
}
