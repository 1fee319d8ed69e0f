import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AuditLog, AuditRepository } from '@ajx/audit';
import { ConsoleUserRepository, ConsoleUserService, IdentityRepository } from '@ajx/identity';
import { startService, type StartedService, waitFor } from '@ajx/testing';
import { type Browser, chromium } from 'playwright-core';
import { InterchangeConfig } from '../../../apps/interchange/src/interchange.config';
import { interchangeService } from '../../../apps/interchange/src/interchange.service-definition';
import { seriousAxeViolations } from '../support/browser';
import { getJson, TestHub } from '../support/hub';
import {
  interchangeEvents,
  provinceEventIds,
  SD_ENTERPRISES,
  SimulatorHandle,
  storeEvents,
} from '../support/interchange';

/*
 * Operators' interchange status (GET /v1/admin/interchange/status and the console page 省级交换状态) on the real
 * stack: the interchange service pushes Zhejiang's events to a province simulator (acknowledged: up to date), and
 * Shandong's to an address nobody answers (retrying, with its error and pending events); Shandong pulls through the
 * gateway; Hebei is configured at the gateway only (never started). The page shows exactly that, without axe-core
 * serious or critical violations (screenshot docs/img/console/ops-interchange.png with AJX_WRITE_SCREENSHOTS=1).
 */
jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../../..');
const CHROMIUM = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'Console-Test-Passw0rd';
const ZJ_KEY = { keyId: 'cizj-2025', secret: 'zj-console-interchange-secret-0123456789ab' };
const SD_KEY = { keyId: 'cisd-2025', secret: 'sd-console-interchange-secret-0123456789ab' };
const HB_KEY = { keyId: 'cihb-2025', secret: 'hb-console-interchange-secret-0123456789ab' };

interface EndpointStatus {
  id: string;
  province: string;
  mode: string | null;
  state: string;
  watermark: number;
  lastPushAt: string | null;
  lastAckAt: string | null;
  pending: number;
  pendingCapped: boolean;
  inFlight: { entries: number; attempts: number } | null;
  lastError: string | null;
  lastPullAt: string | null;
}

describe('console: interchange status', () => {
  const endpoints = (zjUrl: string) => [
    { id: 'ci-zj', url: zjUrl, province: '33', principal: 'ci-zj', mode: 'realtime', ...ZJ_KEY },
    {
      id: 'ci-sd',
      url: 'http://127.0.0.1:9',
      province: '37',
      principal: 'ci-sd',
      mode: 'realtime',
      timeoutMs: 2000,
      ...SD_KEY,
    },
  ];
  const hub = new TestHub('ciconsole', {
    services: ['gateway'],
    gateway: {
      AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
        ...endpoints('http://127.0.0.1:9'),
        { id: 'ci-hb', province: '13', principal: 'ci-hb', mode: 'off', ...HB_KEY },
      ]),
    },
  });
  const sim = new SimulatorHandle(hub.ns, 'ciconsole');
  const shotsDir = process.env.AJX_WRITE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs/img/console') : '';
  let interchange: StartedService | null = null;
  let browser: Browser;
  let ops: string;
  let zjLastSeq: number;

  const status = async () =>
    (await getJson(`${hub.url()}/v1/admin/interchange/status`, ops)).body as {
      endpoints: EndpointStatus[];
      pulls: { province: string; principal: string; via: string; entries: number; pulls: number }[];
    };
  const endpoint = async (id: string) => (await status()).endpoints.find((e) => e.id === id)!;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install chromium (scripts/bootstrap.sh does)`);
    if (!fs.existsSync(path.join(ROOT, 'dist/console/index.html')))
      execFileSync('npm', ['run', '--silent', 'build:console'], { cwd: ROOT, stdio: 'inherit' });
    await hub.start();
    ops = await hub.principal({ id: 'ci-ops', type: 'operator', name: '运维中心' });
    await new ConsoleUserService(
      new ConsoleUserRepository(hub.db),
      new IdentityRepository(hub.db),
      new AuditLog(new AuditRepository(hub.db)),
    ).add({ username: 'ci-ops-zhao', principalId: 'ci-ops', displayName: '赵工', password: PASSWORD }, 'test');
    await sim.start({ databaseUrl: hub.databaseUrl, province: '33', secrets: `${ZJ_KEY.keyId}:${ZJ_KEY.secret}` });

    await storeEvents(hub.db, interchangeEvents(40, { prefix: 'CIZJ' }));
    await storeEvents(hub.db, interchangeEvents(7, { prefix: 'CISD', enterprises: SD_ENTERPRISES }));
    zjLastSeq = (await provinceEventIds(hub.db, '33')).maxSeq;
    interchange = await startService(
      interchangeService,
      hub.config(InterchangeConfig, {
        AJX_INTERCHANGE_PORT: 0,
        AJX_INTERCHANGE_SENDER: 'hub-test',
        AJX_INTERCHANGE_POLL_MS: 100,
        AJX_INTERCHANGE_RETRY_BASE_MS: 200,
        AJX_INTERCHANGE_RETRY_MAX_MS: 1000,
        AJX_INTERCHANGE_ENDPOINTS: JSON.stringify(endpoints(sim.url)),
      }),
    );
    const sd = await hub.principal({ id: 'ci-sd', type: 'province', name: '山东省', regionCode: '370000' });
    expect((await getJson(`${hub.url()}/v1/interchange/events?limit=5`, sd)).status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await interchange?.close();
    await sim.stop();
    await hub.stop();
  });

  it('answers each endpoint state, watermark, pushes, acknowledgement, pending events and errors, and the pulls', async () => {
    await waitFor(async () => (await endpoint('ci-zj')).state === 'up-to-date', {
      what: "Zhejiang's events acknowledged",
      timeoutMs: 60_000,
    });
    await waitFor(async () => (await endpoint('ci-sd')).state === 'retrying', {
      what: "Shandong's batch failing",
      timeoutMs: 60_000,
    });
    const s = await status();
    const [hb, sd, zj] = s.endpoints;
    expect(zj).toMatchObject({
      id: 'ci-zj',
      province: '33',
      mode: 'realtime',
      state: 'up-to-date',
      watermark: zjLastSeq,
      pending: 0,
      pendingCapped: false,
      inFlight: null,
      lastError: null,
      lastPullAt: null,
    });
    expect(zj.lastAckAt).not.toBeNull();
    expect(zj.lastPushAt).toBe(zj.lastAckAt);
    expect(sd).toMatchObject({
      id: 'ci-sd',
      province: '37',
      state: 'retrying',
      watermark: 0,
      pending: 7,
      lastAckAt: null,
    });
    expect(sd.inFlight).toMatchObject({ entries: 7 });
    expect(sd.inFlight!.attempts).toBeGreaterThanOrEqual(1);
    expect(sd.lastError).toEqual(expect.any(String));
    expect(sd.lastPushAt).not.toBeNull();
    expect(sd.lastPullAt).not.toBeNull();
    expect(hb).toMatchObject({
      id: 'ci-hb',
      province: '13',
      mode: 'off',
      state: 'not-started',
      watermark: 0,
      pending: 0,
    });
    expect(s.pulls).toEqual([
      expect.objectContaining({ province: '37', principal: 'ci-sd', via: 'token', entries: 5, pulls: 1 }),
    ]);
    // Operators only.
    const sdToken = await hub.credentials.issue('ci-sd', { validDays: 1 }, 'test');
    expect((await getJson(`${hub.url()}/v1/admin/interchange/status`, sdToken.token)).status).toBe(403);
  });

  it('shows it on the console page 省级交换状态, without serious accessibility violations', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${hub.url()}/console/login`);
    await page.getByLabel('用户名').fill('ci-ops-zhao');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/console\/ops\/health$/);
    await page.getByRole('link', { name: '省级交换', exact: true }).click();
    await page.waitForURL(/\/console\/ops\/interchange$/);
    const zj = page.locator('[data-endpoint="ci-zj"]');
    await zj.getByTestId('state').filter({ hasText: '已同步' }).waitFor();
    await expect(zj.getByTestId('watermark').textContent()).resolves.toBe(String(zjLastSeq));
    await expect(zj.getByTestId('pending').textContent()).resolves.toBe('0');
    expect(await zj.getByTestId('last-ack').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const sd = page.locator('[data-endpoint="ci-sd"]');
    await expect(sd.getByTestId('state').textContent()).resolves.toBe('重试中');
    await expect(sd.getByTestId('pending').textContent()).resolves.toBe('7');
    expect((await sd.getByTestId('last-error').textContent())?.trim()).not.toBe('无');
    await expect(page.locator('[data-endpoint="ci-hb"]').getByTestId('state').textContent()).resolves.toBe('未启动');
    await page.locator('[data-province="37"]').getByText('ci-sd').waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(shotsDir || hub.dir, 'ops-interchange.png'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
