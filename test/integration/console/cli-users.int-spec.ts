import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, AuditRepository } from '@ajx/audit';
import { CommonConfig } from '@ajx/config';
import { ConsoleUserRepository, ConsoleUserService, IdentityRepository, PrincipalService } from '@ajx/identity';
import { createTestDatabase, envOf, testConfig, testDataSource, testNamespace } from '@ajx/testing';
import type { DataSource } from 'typeorm';

/*
 * `ajx users add|disable|enable|reset|list` (docs/console.md, Users) as an operator runs them: the compiled command
 * on a real PostgreSQL. A generated password is printed once and works; one read from standard input is never
 * printed; disable refuses the sign-in, reset replaces the password and lifts a lockout; mistakes exit 2 with a
 * readable message and change nothing; every change is audited with the operator's name.
 */
jest.setTimeout(120_000);

const AJX = path.resolve(__dirname, '../../../bin/ajx.js');
const ACTOR = `cli:${os.userInfo().username}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
interface User {
  username: string;
  principalId: string;
  displayName: string;
  disabledAt: string | null;
  lockedUntil: string | null;
}

describe('ajx users on PostgreSQL', () => {
  let db: DataSource;
  let env: NodeJS.ProcessEnv;
  let users: ConsoleUserService;

  const ajx = (args: string[], stdin?: string): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [AJX, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin ?? '');
    });
  const ok = async (args: string[], stdin?: string) => {
    const r = await ajx(args, stdin);
    if (r.code !== 0) throw new Error(`ajx ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const signIn = async (username: string, password: string) => {
    const r = await users.signIn(username, password, { ip: null });
    return r.ok ? 'ok' : r.reason;
  };
  const audited = async () =>
    db.query<{ actor: string; action: string; target: string; details: Record<string, unknown> }[]>(
      `SELECT actor, action, target, details FROM audit_entries WHERE action LIKE 'user.%' ORDER BY id`,
    );

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    db = await testDataSource(databaseUrl);
    env = { ...process.env, ...envOf(testConfig(CommonConfig, testNamespace('cliusers'), databaseUrl)) };
    const audit = new AuditLog(new AuditRepository(db));
    const identity = new IdentityRepository(db);
    users = new ConsoleUserService(new ConsoleUserRepository(db), identity, audit);
    const principals = new PrincipalService(identity, audit);
    await principals.register({ id: 'cu-ops', type: 'operator', name: '运维中心' }, 'test');
    await principals.register({ id: 'cu-zj', type: 'province', name: '浙江省', regionCode: '330000' }, 'test');
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('adds a user with a generated password printed once, or one read from standard input and never printed', async () => {
    const added = JSON.parse(
      await ok(['users', 'add', '--username', 'cu-wang', '--principal', 'cu-ops', '--name', '王工']),
    ) as { user: User; password: string };
    expect(added.user).toMatchObject({
      username: 'cu-wang',
      principalId: 'cu-ops',
      displayName: '王工',
      disabledAt: null,
    });
    expect(added.password.length).toBeGreaterThanOrEqual(10);
    expect(await signIn('cu-wang', added.password)).toBe('ok');

    const chosen = 'Chosen-Passw0rd-Li';
    const out = await ok(
      ['users', 'add', '--username', 'cu-li', '--principal', 'cu-ops', '--name', '李工', '--password-stdin'],
      `${chosen}\nignored second line\n`,
    );
    expect(out).not.toContain(chosen);
    expect(Object.keys(JSON.parse(out) as object)).toEqual(['user']);
    expect(await signIn('cu-li', chosen)).toBe('ok');

    const listed = (await ok(['users', 'list', '--principal', 'cu-ops']))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as User).username)
      .sort();
    expect(listed).toEqual(['cu-li', 'cu-wang']);
  });

  it('refuses mistakes with exit 2 and a readable message, and changes nothing', async () => {
    const before = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM console_users`);
    const cases: [string[], string | undefined, RegExp][] = [
      [
        ['users', 'add', '--username', 'cu-wang', '--principal', 'cu-ops', '--name', '重名'],
        undefined,
        /cu-wang is taken/,
      ],
      [
        ['users', 'add', '--username', 'cu-zhou', '--principal', 'nobody', '--name', '周工'],
        undefined,
        /no principal nobody/,
      ],
      [['users', 'add', '--username', 'cu-zj', '--principal', 'cu-zj', '--name', '省'], undefined, /no console users/],
      [
        ['users', 'add', '--username', 'Bad Name', '--principal', 'cu-ops', '--name', '周工'],
        undefined,
        /username must be/,
      ],
      [
        ['users', 'add', '--username', 'cu-zhou', '--principal', 'cu-ops', '--name', '周工', '--password-stdin'],
        'short\n',
        /password/,
      ],
      [['users', 'disable', 'cu-nobody'], undefined, /no user cu-nobody/],
      [['users', 'reset', 'cu-nobody'], undefined, /no user cu-nobody/],
    ];
    for (const [args, stdin, message] of cases) {
      const r = await ajx(args, stdin);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
    expect(await db.query(`SELECT count(*)::int AS n FROM console_users`)).toEqual(before);
  });

  it('disables (sign-in refused) and enables a user', async () => {
    const disabled = JSON.parse(await ok(['users', 'disable', 'cu-li'])) as User;
    expect(disabled.disabledAt).not.toBeNull();
    expect(await signIn('cu-li', 'Chosen-Passw0rd-Li')).toBe('disabled');
    const enabled = JSON.parse(await ok(['users', 'enable', 'cu-li'])) as User;
    expect(enabled.disabledAt).toBeNull();
    expect(await signIn('cu-li', 'Chosen-Passw0rd-Li')).toBe('ok');
  });

  it('resets a password (generated or from standard input), lifting a lockout; the old one stops working', async () => {
    for (let i = 0; i < 5; i++) await users.signIn('cu-wang', 'wrong-password-x', { ip: null });
    const [locked] = await db.query<{ locked_until: Date | null }[]>(
      `SELECT locked_until FROM console_users WHERE username = 'cu-wang'`,
    );
    expect(locked.locked_until).not.toBeNull();

    const reset = JSON.parse(await ok(['users', 'reset', 'cu-wang'])) as { user: User; password: string };
    expect(reset.user.lockedUntil).toBeNull();
    expect(await signIn('cu-wang', reset.password)).toBe('ok');

    const chosen = 'Another-Passw0rd-Wang';
    const out = await ok(['users', 'reset', 'cu-wang', '--password-stdin'], `${chosen}\n`);
    expect(out).not.toContain(chosen);
    expect(await signIn('cu-wang', reset.password)).toBe('password');
    expect(await signIn('cu-wang', chosen)).toBe('ok');
  });

  it('audits every change under the operator’s name, without a password', async () => {
    const rows = await audited();
    expect(rows.map((r) => `${r.actor} ${r.action} ${r.target}`)).toEqual([
      `${ACTOR} user.add cu-wang`,
      `${ACTOR} user.add cu-li`,
      `${ACTOR} user.disable cu-li`,
      `${ACTOR} user.enable cu-li`,
      `${ACTOR} user.reset cu-wang`,
      `${ACTOR} user.reset cu-wang`,
    ]);
    expect(rows.map((r) => r.details.generated).filter((g) => g !== undefined)).toEqual([true, false]);
    expect(JSON.stringify(rows)).not.toMatch(/Passw0rd/);
  });
});
