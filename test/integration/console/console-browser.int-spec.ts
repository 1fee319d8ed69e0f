import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AuditLog, AuditRepository } from '@ajx/audit';
import { ConsoleUserRepository, ConsoleUserService, IdentityRepository } from '@ajx/identity';
import { Random, randomUscc } from '@ajx/simulation';
import { type StartedService, startService, waitFor } from '@ajx/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { supervisorService } from '../../../apps/supervisor/src/supervisor.service-definition';
import { seriousAxeViolations } from '../support/browser';
import { getJson, putCountyRegister, TestHub, upload } from '../support/hub';
import { pinganAccidentLine, pinganClaimLine, pinganPolicyLine } from '../support/records';

/*
 * Issue 17: the web console in a real browser (Debian's Chromium driven by playwright-core) against the real stack —
 * gateway, normaliser, router and supervisor on Kafka, PostgreSQL and Redis. People sign in (session cookie,
 * CSRF token, lockout), see their pages filled by the existing API under the same authorization and RLS as tokens,
 * and act: a county emergency department confirms a finding, acknowledges a major hazard with a note and downloads a
 * report; an insurer uploads a file and sees its rejects; an operator redrives a DLQ entry. Another county's user
 * gets 404 for the first county's record by URL, a signed-out browser is sent to the sign-in form, and axe-core finds
 * no serious or critical violation on any page. Screenshots of every page go to docs/img/console/ with
 * AJX_WRITE_SCREENSHOTS=1 (else to a temporary directory).
 */

jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, '../../..');
const CHROMIUM = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ?? '/usr/bin/chromium';
const PACK = 'jining@1';
const ASOF = '2026-06-15';
const PASSWORD = 'Console-Test-Passw0rd';
const beijingMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

function pinganHazard(dangerNo: string, uscc: string, grade: string) {
  return JSON.stringify({
    recordType: 'HAZARD',
    dangerNo,
    seq: 1,
    insured: { creditCode: uscc, name: '控制台测试企业', areaCode: '370811', industryCode: 'C2614' },
    grade,
    category: null,
    desc: '储罐区可燃气体报警器失效',
    foundTime: beijingMidnight('2026-06-10'),
    deadline: null,
    state: 'OPEN',
    doneTime: null,
    bizTime: beijingMidnight('2026-06-10') + 3_600_000,
  });
}

describe('web console in Chromium', () => {
  const hub = new TestHub('console', {
    services: ['gateway', 'normalizer', 'router'],
    gateway: { AJX_RULE_PACK: PACK, AJX_AUTH_FAILURES_BURST: 1000 },
    router: { AJX_RULE_PACK: PACK },
  });
  const rng = new Random('console-browser');
  const e1 = randomUscc(rng, '370811');
  const e2 = randomUscc(rng, '370811');
  const hazardNo = 'PAYHCONSOLE001';
  const tokens: Record<string, string> = {};
  const shotsDir = process.env.AJX_WRITE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs/img/console') : '';
  let supervisor: StartedService;
  let browser: Browser;
  let users: ConsoleUserService;
  const axeFindings: Record<string, string[]> = {};

  const signedIn = async (username: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 1360, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(`${hub.url()}/console/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    return { context, page };
  };
  /** Screenshot of the page (docs/img/console/<name>.png) and axe-core's serious and critical violations. */
  const check = async (page: Page, name: string) => {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(shotsDir || hub.dir, `${name}.png`), fullPage: true });
    axeFindings[name] = await seriousAxeViolations(page);
  };

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install chromium (scripts/bootstrap.sh does)`);
    if (!fs.existsSync(path.join(ROOT, 'dist/console/index.html')))
      execFileSync('npm', ['run', '--silent', 'build:console'], { cwd: ROOT, stdio: 'inherit' });
    await hub.start();
    tokens.pingan = await hub.principal({ id: 'PINGAN', type: 'insurer', name: '平安' });
    tokens.ops = await hub.principal({ id: 'console-ops', type: 'operator', name: '运维中心' });
    const dept = async (id: string, name: string, regionCode: string) =>
      (tokens[id] = await hub.principal({
        id,
        type: 'department',
        name,
        department: { kind: 'emergency', level: 'county', regionCode },
      }));
    await dept('rc-emergency', '任城区应急管理局', '370811');
    await dept('hz-emergency', '杭州市上城区应急管理局', '330102');
    users = new ConsoleUserService(
      new ConsoleUserRepository(hub.db),
      new IdentityRepository(hub.db),
      new AuditLog(new AuditRepository(hub.db)),
    );
    for (const [username, principalId, displayName] of [
      ['rc-zhang', 'rc-emergency', '张科长'],
      ['hz-li', 'hz-emergency', '李科长'],
      ['pingan-wang', 'PINGAN', '王工'],
      ['ops-zhao', 'console-ops', '赵工'],
      ['rc-locked', 'rc-emergency', '锁定测试'],
      ['rc-revoked', 'rc-emergency', '停用测试'],
    ])
      await users.add({ username, principalId, displayName, password: PASSWORD }, 'test');

    expect(await putCountyRegister(hub.url(), tokens['rc-emergency'], [e1, e2])).toBe(201);
    const file = [
      pinganPolicyLine('控制台测试企业', 'PAAZ2025CON001', e1, '370811', 40, '2025-07-01', '2026-06-30'),
      pinganHazard(hazardNo, e1, 'MAJOR'),
      // Issue 25 on the overview: an accident reported 90 minutes after it occurred (3 deaths graded 一般) and a claim.
      pinganAccidentLine('PASG2026CON001', e1, {
        occurred: '2026-06-05T10:00:00+08:00',
        reported: '2026-06-05T11:30:00+08:00',
        grade: 'GENERAL',
        deaths: 3,
      }),
      pinganClaimLine('PAPA2026CON001', e1, 1, 'AGREED', null),
    ].join('\n');
    expect((await upload(hub.url(), tokens.pingan, 'PINGAN', `${file}\n`)).status).toBe(202);
    supervisor = await startService(
      supervisorService,
      hub.config(SupervisorConfig, {
        AJX_RULE_PACK: PACK,
        AJX_SUPERVISION_AS_OF: ASOF,
        AJX_SUPERVISION_REGISTER_POLL_MS: 300,
        AJX_SUPERVISION_PUBLISH_POLL_MS: 200,
      }),
    );
    await waitFor(
      async () =>
        (await getJson(`${hub.url()}/v1/dept/findings?limit=500`, tokens['rc-emergency'])).body.items.some(
          (f: { rule: string }) => f.rule === 'UNINSURED',
        ),
      { what: 'findings of the county (the start evaluation)' },
    );
    await waitFor(
      async () =>
        (await getJson(`${hub.url()}/v1/dept/hazards/${hazardNo}/ack`, tokens['rc-emergency'])).status === 200,
      { what: 'the major hazard in the county view, escalation open' },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await supervisor?.close();
    await hub.stop();
  });

  it('sends a signed-out browser to the sign-in form, and back to the page after signing in', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${hub.url()}/console/dept/findings`);
    await page.waitForURL(/\/console\/login\?next=/);
    await check(page, 'login');
    await page.getByLabel('用户名').fill('rc-zhang');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/console\/dept\/findings$/);
    // The session cookie: HttpOnly, Secure (Chromium keeps Secure cookies of http://127.0.0.1), SameSite=Strict.
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'ajx_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    // A state-changing call without the CSRF token is refused, even with the cookie.
    const status = await page.evaluate<number>(
      `fetch('/v1/console/session', { method: 'DELETE' }).then((r) => r.status)`,
    );
    expect(status).toBe(403);
    // Signing out ends the session server-side: the same cookie no longer works.
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/console\/login/);
    const res = await fetch(`${hub.url()}/v1/dept/findings`, { headers: { cookie: `ajx_session=${cookie.value}` } });
    expect(res.status).toBe(401);
    await context.close();
  });

  it('ends a live session at its next request when its user is disabled or its password reset (the CLI’s way)', async () => {
    const signIn = async (password: string) => {
      const res = await fetch(`${hub.url()}/v1/console/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'rc-revoked', password }),
      });
      expect(res.status).toBe(200);
      return /ajx_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1];
    };
    const findingsWith = async (cookie: string) =>
      (await fetch(`${hub.url()}/v1/dept/findings`, { headers: { cookie: `ajx_session=${cookie}` } })).status;
    const first = await signIn(PASSWORD);
    expect(await findingsWith(first)).toBe(200);
    await users.setEnabled('rc-revoked', false, 'test');
    expect(await findingsWith(first)).toBe(401);
    await users.setEnabled('rc-revoked', true, 'test');
    expect(await findingsWith(first)).toBe(401); // ended, not suspended
    const second = await signIn(PASSWORD);
    expect(await findingsWith(second)).toBe(200);
    const { password } = await users.reset('rc-revoked', 'test');
    expect(await findingsWith(second)).toBe(401);
    expect(await findingsWith(await signIn(password))).toBe(200);
    const refusals = await hub.db.query<{ reason: string }[]>(
      `SELECT details->>'reason' AS reason FROM audit_entries WHERE action = 'auth.refused' AND details->>'user' = 'rc-revoked' ORDER BY id`,
    );
    expect(refusals.map((r) => r.reason)).toEqual(['session-revoked', 'session-revoked']);
  });

  it('locks an account after repeated wrong passwords and audits the sign-ins', async () => {
    const signIn = (password: string) =>
      fetch(`${hub.url()}/v1/console/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'rc-locked', password }),
      });
    for (let i = 0; i < 4; i++) expect((await signIn('wrong-password-1')).status).toBe(401);
    expect((await signIn('wrong-password-1')).status).toBe(423);
    // Locked: even the right password is refused until the lock ends (or an operator resets it).
    expect((await signIn(PASSWORD)).status).toBe(423);
    const rows = await hub.db.query<{ outcome: string; n: string }[]>(
      `SELECT outcome, count(*) AS n FROM audit_entries WHERE action = 'console.sign-in' AND target = 'rc-locked' GROUP BY outcome`,
    );
    expect(rows).toEqual([{ outcome: 'denied', n: '6' }]);
  });

  it('county emergency department: overview charts, a finding confirmed, a major hazard acknowledged, a report', async () => {
    const { context, page } = await signedIn('rc-zhang');
    await page.waitForURL(/\/console\/dept\/overview$/);
    await page.locator('[data-chart] canvas').first().waitFor();
    expect(await page.locator('[data-chart] canvas').count()).toBeGreaterThanOrEqual(4);
    await expect(page.getByTestId('registered').textContent()).resolves.toBe('2');
    await expect(page.getByTestId('uninsured').textContent()).resolves.toBe('1');
    // The register's enterprises divide without remainder into the six tiles that follow 应保企业.
    const tiles = ['insured', 'uninsured', 'lapsed', 'surrendered', 'risk-deposit', 'pending'];
    const counts = await Promise.all(tiles.map(async (t) => Number(await page.getByTestId(t).textContent())));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
    await page.getByTestId('waiting').filter({ hasText: '1' }).waitFor();
    await expect(page.getByTestId('accidents').textContent()).resolves.toBe('1');
    await expect(page.getByTestId('claims').textContent()).resolves.toBe('1');
    await page.getByRole('link', { name: '事故报告超时' }).first().waitFor();
    await check(page, 'dept-overview');

    await page.getByRole('link', { name: '监管发现', exact: true }).click();
    await page.getByRole('link', { name: '应保未保' }).first().waitFor();
    await check(page, 'dept-findings');
    // Codes the API returns are shown by their Chinese names: severity, and (below) the feed's record kinds.
    await expect(page.locator('.badge').first().textContent()).resolves.toMatch(/^(违规|警告|提示)$/);
    await page.getByRole('link', { name: '应保未保' }).first().click();
    await page.getByTestId('explanation').waitFor();
    await page.getByLabel('审核意见').fill('经核实，企业确未投保，已责令限期投保');
    await page.getByRole('button', { name: '确认', exact: true }).click();
    await page.getByTestId('review').filter({ hasText: '已确认' }).waitFor();
    await check(page, 'dept-finding-detail');
    // Another finding dismissed with its reason; then the list filtered by rule shows exactly the API's answer.
    const listed = (await getJson(`${hub.url()}/v1/dept/findings?state=open&limit=500`, tokens['rc-emergency'])).body
      .items as { id: string; rule: string; review: unknown }[];
    const other = listed.find((f) => f.rule !== 'UNINSURED' && f.review === null)!;
    await page.goto(`${hub.url()}/console/dept/findings/${other.id}`);
    await page.getByLabel('审核意见').fill('该企业已提交续保材料，属系统延迟');
    await page.getByRole('button', { name: '驳回' }).click();
    await page.getByTestId('review').filter({ hasText: '已驳回' }).waitFor();
    const dismissed = await getJson(`${hub.url()}/v1/dept/findings/${other.id}`, tokens['rc-emergency']);
    expect(dismissed.body.review).toMatchObject({ decision: 'dismissed', reason: '该企业已提交续保材料，属系统延迟' });
    await page.getByRole('link', { name: '监管发现', exact: true }).click();
    await page.getByLabel('规则').fill('UNINSURED');
    await page.getByRole('button', { name: '查询' }).click();
    const uninsured = (await getJson(`${hub.url()}/v1/dept/findings?state=open&rule=UNINSURED`, tokens['rc-emergency']))
      .body.items as unknown[];
    await waitFor(async () => (await page.locator('tbody tr').count()) === uninsured.length, {
      what: 'the list filtered by rule',
    });
    expect(new Set(await page.locator('tbody tr td:first-child').allTextContents())).toEqual(new Set(['应保未保']));

    await page.getByRole('link', { name: '紧急事项' }).click();
    const card = page.locator(`[data-subject="${hazardNo}"]`);
    await card.getByLabel('处置意见').fill('已派员赶赴现场核查，督促企业停产整改');
    await card.getByRole('button', { name: '签收' }).click();
    await card.getByTestId('ack-state').filter({ hasText: '已签收' }).waitFor();
    const ack = await getJson(`${hub.url()}/v1/dept/hazards/${hazardNo}/ack`, tokens['rc-emergency']);
    expect(ack.body).toMatchObject({ state: 'acknowledged', note: '已派员赶赴现场核查，督促企业停产整改' });
    await check(page, 'dept-urgent');

    await page.getByRole('link', { name: '报表下载' }).click();
    // The week before the supervisor's Monday (ASOF): the county makes its weekly report on demand, then downloads it.
    await page.getByLabel('报表类型').selectOption('weekly');
    await page.getByLabel('期间（如 2026-W49 或 2026-11）').fill('2026-W24');
    await page.getByRole('button', { name: '生成' }).click();
    await page.getByTestId('run-status').filter({ hasText: '已生成 1 份报表' }).waitFor({ timeout: 60_000 });
    const list = await getJson(`${hub.url()}/v1/dept/reports?kind=weekly&period=2026-W24`, tokens['rc-emergency']);
    expect(list.status).toBe(200);
    const [report] = (list.body as { items: { reportId: string; region: string; generatedAt: string }[] }).items;
    expect(report.region).toBe('370811');
    const row = page.locator(`[data-report="${report.reportId}"]`);
    // Instants are shown as Beijing wall-clock time, not as the API's UTC ISO text.
    const beijing = new Date(Date.parse(report.generatedAt) + 8 * 3600_000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ');
    const rowText = await row.textContent();
    expect(rowText).toContain(beijing);
    expect(rowText).not.toContain(report.generatedAt);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    expect(
      fs
        .readFileSync(await download.path())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    await check(page, 'dept-reports');

    await page.getByRole('link', { name: '业务记录' }).click();
    await page.getByLabel('类别').selectOption('hazards');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('link', { name: hazardNo }).click();
    await page.getByText('储罐区可燃气体报警器失效').waitFor();
    await check(page, 'dept-record-detail');
    await page.getByRole('link', { name: '业务记录' }).click();
    await page.locator('tbody tr').first().waitFor();
    // Status and level by their Chinese names (有效, 已退保 …), never the API's codes.
    const statusAndLevel = [
      ...(await page.locator('tbody tr td:nth-child(6)').allTextContents()),
      ...(await page.locator('tbody tr td:nth-child(7)').allTextContents()),
    ];
    expect(statusAndLevel.length).toBeGreaterThan(0);
    expect(statusAndLevel.filter((t) => /^[a-z_]+$/.test(t.trim()))).toEqual([]);
    await check(page, 'dept-records');

    await page.goto(`${hub.url()}/console/dept/enterprises/${e1}`);
    await page.getByRole('heading', { name: '监管发现（含事故迟报、等级、理赔时限等规则）' }).waitFor();
    await check(page, 'dept-enterprise');
    await page.getByRole('link', { name: '实时动态' }).click();
    await page.getByTestId('feed-status').filter({ hasText: '已连接' }).waitFor();
    await check(page, 'dept-feed');
    await page.locator('tbody tr').first().waitFor();
    const feedKinds = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(feedKinds.length).toBeGreaterThan(0);
    expect(feedKinds.filter((k) => /^[a-z_]+$/.test(k.trim()))).toEqual([]);
    // Live: a hazard the insurer reports while the page is open appears in it (server-sent events), no reload.
    expect(
      (await upload(hub.url(), tokens.pingan, 'PINGAN', `${pinganHazard('PAYHCONSOLELIVE', e1, 'GENERAL')}\n`)).status,
    ).toBe(202);
    await page.locator('tbody tr').filter({ hasText: 'PAYHCONSOLELIVE' }).first().waitFor({ timeout: 60_000 });
    // The register as CSV, the way a spreadsheet writes it: a quoted name holding a comma, and a headcount that is not
    // a number on line 3. The per-line report names line 3 and its field; nothing is replaced.
    await page.getByRole('link', { name: '应保企业名录' }).click();
    const csvFile = path.join(hub.dir, 'register.csv');
    fs.writeFileSync(
      csvFile,
      '\uFEFFuscc,name,regionCode,sector,employeeCount,alternative\r\n' +
        `${e1},"控制台测试企业,一分厂",370811,hazardous_chemicals,40,\r\n` +
        `${e2},控制台测试企业二,370811,non_coal_mining,四十,\r\n`,
    );
    await page.getByLabel('选择名录文件').setInputFiles(csvFile);
    const reported = page.locator('table tbody tr');
    await reported.first().waitFor();
    expect(await reported.count()).toBe(1);
    expect((await reported.first().locator('td').allTextContents()).slice(0, 2)).toEqual(['3', 'employeeCount']);
    await check(page, 'dept-register');
    await page.getByRole('link', { name: '推送设置' }).click();
    await check(page, 'dept-webhook');
    // Webhook settings: saved (the secret never shown again), then deleted.
    await page.getByLabel('推送地址').fill('http://127.0.0.1:9/ajx-hook');
    await page.getByLabel('签名密钥').fill('console-webhook-secret-0123456789');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存推送地址' }).waitFor();
    const hook = await getJson(`${hub.url()}/v1/dept/webhook`, tokens['rc-emergency']);
    expect(hook.body.url).toBe('http://127.0.0.1:9/ajx-hook');
    expect(JSON.stringify(hook.body)).not.toContain('console-webhook-secret');
    await page.getByRole('button', { name: '删除' }).click();
    await page.getByRole('status').filter({ hasText: '已删除推送设置' }).waitFor();
    expect((await getJson(`${hub.url()}/v1/dept/webhook`, tokens['rc-emergency'])).status).toBe(404);
    await context.close();
  });

  it("another county's user gets 404 for the first county's record by URL", async () => {
    const { context, page } = await signedIn('hz-li');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().includes(`/v1/dept/hazards/${hazardNo}`)),
      page.goto(`${hub.url()}/console/dept/records/hazards/${hazardNo}?insurer=PINGAN`),
    ]);
    expect(res.status()).toBe(404);
    await page.getByTestId('record-error').filter({ hasText: '404' }).waitFor();
    await context.close();
  });

  it('insurer: uploads a file by the resumable API and sees its rejects with their reasons', async () => {
    const { context, page } = await signedIn('pingan-wang');
    await page.waitForURL(/\/console\/insurer\/upload$/);
    await check(page, 'insurer-upload');
    const body = `${[pinganHazard('PAYHCONSOLE002', e2, 'GENERAL'), pinganHazard('PAYHCONSOLE003', e2, 'SEVERE')].join('\n')}\n`;
    const file = path.join(hub.dir, 'hazards.ndjson');
    fs.writeFileSync(file, body);
    // The upload is interrupted (the page reloaded while its chunk is on its way), then the same file is chosen
    // again: the page resumes the session it had opened (no second one), and a chunk lost on the network once is
    // sent again after asking the gateway how much it holds.
    let sessionsOpened = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/ingest/PINGAN/uploads')) sessionsOpened++;
    });
    let mode: 'hold' | 'drop-once' | 'pass' = 'hold';
    let putSeen = false;
    let dropped = 0;
    await page.route('**/v1/ingest/uploads/*', async (route) => {
      if (route.request().method() !== 'PUT' || mode === 'pass') return route.continue();
      putSeen = true;
      if (mode === 'hold') return; // never answered: the reload cancels it
      mode = 'pass';
      dropped++;
      return route.abort('connectionreset');
    });
    await page.getByLabel('选择文件').setInputFiles(file);
    await waitFor(() => putSeen, { what: 'the first chunk on its way' });
    await page.reload();
    mode = 'drop-once';
    await page.getByLabel('选择文件').setInputFiles(file);
    await page.getByTestId('batch-link').waitFor();
    expect([sessionsOpened, dropped]).toEqual([1, 1]);
    await page.unroute('**/v1/ingest/uploads/*');
    await page.getByTestId('batch-link').click();
    await waitFor(
      async () => {
        await page.getByRole('button', { name: '刷新' }).click();
        return (await page.getByTestId('rejected').textContent()) === '1';
      },
      { what: 'the batch report with its reject' },
    );
    await page.getByTestId('rejects').getByText('INVALID_ENUM').waitFor();
    await check(page, 'insurer-batches');
    await page.getByRole('link', { name: '监管发现' }).click();
    // Its accident and claim findings counted as such, the understated grade (事故等级, attributed to the insurer)
    // among them.
    const own = (await getJson(`${hub.url()}/v1/insurer/findings?state=open&limit=500`, tokens.pingan)).body as {
      items: { rule: string }[];
    };
    const accidentOrClaim = own.items.filter((f) =>
      ['GRADE_MISMATCH', 'CLAIM_DECISION_LATE', 'CLAIM_PAYMENT_LATE', 'ACCIDENT_FACTOR_UNDERSTATED'].includes(f.rule),
    );
    expect(accidentOrClaim.map((f) => f.rule)).toContain('GRADE_MISMATCH');
    await page.getByText('GRADE_MISMATCH').first().waitFor();
    await expect(page.getByTestId('accident-claim-count').textContent()).resolves.toBe(String(accidentOrClaim.length));
    // Its own figures above them (issue 25): the policy and the claim of 370811, from /v1/insurer/figures.
    const county = page.getByTestId('insurer-figures').getByRole('row', { name: /^370811 / });
    await county.waitFor();
    const cells = await county.getByRole('cell').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['370811', '1']); // one policy
    await expect(county.getByTestId('claims-count').textContent()).resolves.toBe('1');
    await check(page, 'insurer-findings');
    await context.close();
  });

  it('operator: redrives a DLQ entry; health, users and the audit chain', async () => {
    const { context, page } = await signedIn('ops-zhao');
    await page.getByRole('link', { name: '死信队列' }).click();
    const redrive = page.getByRole('button', { name: /^重新处理 / }).first();
    await redrive.waitFor();
    await check(page, 'ops-dlq');
    await redrive.click();
    await page.getByTestId('redrive-result').filter({ hasText: '仍被拒' }).waitFor();
    const rows = await hub.db.query<{ attempts: number }[]>(
      `SELECT attempts FROM dlq_entries WHERE insurer = 'PINGAN' AND code = 'INVALID_ENUM'`,
    );
    expect(rows.map((r) => r.attempts)).toEqual([2]);
    for (const [link, name] of [
      ['服务状态', 'ops-health'],
      ['主体与用户', 'ops-users'],
    ]) {
      await page.getByRole('link', { name: link }).click();
      await check(page, name);
    }
    await page.getByRole('link', { name: '审计链' }).click();
    await page.getByRole('button', { name: '开始校验' }).click();
    await page.getByTestId('audit-result').filter({ hasText: '审计链完整' }).waitFor();
    await check(page, 'ops-audit');

    // Bull Board, mounted for operators only: the hub's queues are listed (read-only); a department is refused.
    await page.goto(`${hub.url()}/v1/admin/queues`);
    for (const queue of ['supervision', 'reports', 'interchange'])
      await page.getByText(queue, { exact: true }).first().waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(shotsDir || hub.dir, 'ops-queues.png'), fullPage: true });
    expect((await getJson(`${hub.url()}/v1/admin/queues/api/queues`, tokens['rc-emergency'])).status).toBe(403);
    await context.close();
  });

  it('axe-core finds no serious or critical violation on any page', () => {
    expect(Object.keys(axeFindings).length).toBeGreaterThanOrEqual(18);
    expect(Object.fromEntries(Object.entries(axeFindings).filter(([, v]) => v.length))).toEqual({});
  });
});
