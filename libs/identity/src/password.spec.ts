import { generatePassword, hashPassword, passwordProblems, verifyPassword } from './password';

describe('console passwords (scrypt)', () => {
  it('hashes with a salt and the parameters, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    await expect(verifyPassword('correct horse battery', a)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', a)).resolves.toBe(false);
    await expect(verifyPassword('anything', 'sha256$abc')).resolves.toBe(false);
  });

  it('refuses short or one-character passwords and generates acceptable ones', () => {
    expect(passwordProblems('short')).toHaveLength(1);
    expect(passwordProblems('aaaaaaaaaaaa')).toHaveLength(1);
    expect(passwordProblems('a-good-passphrase')).toEqual([]);
    expect(passwordProblems(generatePassword())).toEqual([]);
  });
});
