import type { Browser, Page } from 'puppeteer-core';
import { Api } from './http';
import { startTestServer, type TestServer } from './server';
import { createTenant, PASSWORD, type TestTenant } from './tenants';
import { eventually } from './sockets';
import { framesDecoded, freePort, launchChromium, openPage, type Watched } from './browser';

export const byTestId = (testid: string) => `[data-testid="${testid}"]`;
export const text = (page: Page, testid: string) => page.$eval(byTestId(testid), (el) => el.textContent?.trim() ?? '');

export interface PagesWorld {
  srv: TestServer;
  api: Api;
  t: TestTenant;
  browser: Browser;
  /** A page of this server in a browser context of its own; its problems are checked when it is closed. */
  open(path: string, opts?: Parameters<typeof openPage>[1] & { before?: (p: Page) => Promise<void> }): Promise<Page>;
  /** Adopts a page opened elsewhere (another browser), so that its problems are checked too. */
  track(w: Watched): void;
}

/**
 * The jest hooks of a page test file: a server whose PUBLIC_URL is its real address (the
 * customer page connects to the websocket_url join hands out), a tenant, and Chromium. Every
 * page opened through it must end with no uncaught error and no CSP violation: checked after
 * each test, or once at the end with `keepPages` (tests that share pages).
 */
export function pagesWorld(prefix: string, opts: { env?: Record<string, string>; keepPages?: boolean } = {}): PagesWorld {
  const opened: Watched[] = [];
  const world = { track: (w: Watched) => opened.push(w) } as PagesWorld;
  const closeAll = async () => {
    for (const w of opened.splice(0)) {
      expect(w.problems).toEqual([]);
      expect(await w.page.evaluate(() => (window as any).__csp)).toEqual([]);
      await w.page.browserContext().close();
    }
  };
  beforeAll(async () => {
    const port = await freePort();
    world.srv = await startTestServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...opts.env });
    world.api = new Api(world.srv.url);
    world.t = await createTenant(world.api, prefix);
    world.browser = await launchChromium();
  }, 60000);
  if (!opts.keepPages) afterEach(closeAll);
  afterAll(async () => {
    await closeAll();
    await world.browser?.close();
    await world.srv?.stop();
  });
  world.open = async (path, o = {}) => {
    const w = await openPage(world.browser, o);
    opened.push(w);
    await o.before?.(w.page);
    await w.page.goto(world.srv.url + path);
    return w.page;
  };
  return world;
}

/**
 * Joins the queue from the customer page as `name`, once the page has settled the camera
 * question (the preview playing, or its warning shown): the preview appears above the form and
 * moves the button, so a click before it can miss.
 */
export async function joinFromPage(page: Page, name: string) {
  await page.waitForSelector(byTestId('join-form'));
  await page.waitForFunction(() => (document.querySelector('[data-testid="local-video"]') as HTMLVideoElement | null)?.videoWidth
    || document.querySelector('[data-testid="media-error"]'));
  await page.type(byTestId('name'), name);
  await page.click(byTestId('join'));
}

/** Logs into the console by typing, as the user would. */
export async function consoleLogin(page: Page, t: TestTenant, user: { email: string }) {
  await page.waitForSelector(byTestId('login-tenant'));
  await page.type(byTestId('login-tenant'), t.slug);
  await page.type(byTestId('login-email'), user.email);
  await page.type(byTestId('login-password'), PASSWORD);
  await page.click(byTestId('login-submit'));
  await page.waitForSelector(byTestId('presence-status'));
}

/** Waits until the page's remote video has decoded frames, and keeps decoding. */
export async function decodes(page: Page, what: string) {
  const first = await eventually(async () => {
    const n = await framesDecoded(page).catch(() => 0);
    return n > 5 && n;
  }, 30000, `${what} decodes video`);
  await eventually(async () => (await framesDecoded(page)) > first + 5, 15000, `${what} keeps decoding`);
}
