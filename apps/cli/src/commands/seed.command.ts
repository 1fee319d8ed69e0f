import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { withContext } from '../cli-lazy';

interface SeedFile {
  insurers?: { id: string; name: string }[];
  departments?: { id: string; name: string; kind: string; level: 'province' | 'city' | 'county'; regionCode: string }[];
  provinces?: { id: string; name: string; regionCode: string }[];
  operators?: { id: string; name: string }[];
}

/** Tokens issued by `ajx seed`, by principal id (kept in a file outside the database, mode 0600). */
export type SeedTokens = Record<string, { token: string; credentialId: string; expiresAt: string }>;

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('register the principals of a seed file (idempotent) and write a token for each to a file')
    .requiredOption('--file <seed.json>')
    .option('--tokens-out <file>', 'where to write the tokens (existing valid ones are kept)')
    .option('--days <n>', 'validity of new tokens in days', '30')
    .action(async (o: { file: string; tokensOut?: string; days: string }) => {
      let seed: SeedFile;
      try {
        seed = JSON.parse(fs.readFileSync(o.file, 'utf8')) as SeedFile;
      } catch (err) {
        throw new CliError(`cannot read ${o.file}: ${(err as Error).message}`, EXIT.usage);
      }
      const { InvalidPrincipalError } = await import('@ajx/identity');
      const existing: SeedTokens =
        o.tokensOut && fs.existsSync(o.tokensOut)
          ? (JSON.parse(fs.readFileSync(o.tokensOut, 'utf8')) as SeedTokens)
          : {};
      await withContext(async (ctx) => {
        const all = [
          ...(seed.insurers ?? []).map((p) => ({ id: p.id, type: 'insurer' as const, name: p.name })),
          ...(seed.departments ?? []).map((d) => ({
            id: d.id,
            type: 'department' as const,
            name: d.name,
            department: { kind: d.kind, level: d.level, regionCode: d.regionCode },
          })),
          ...(seed.provinces ?? []).map((p) => ({
            id: p.id,
            type: 'province' as const,
            name: p.name,
            regionCode: p.regionCode,
          })),
          ...(seed.operators ?? []).map((p) => ({ id: p.id, type: 'operator' as const, name: p.name })),
        ];
        const tokens: SeedTokens = {};
        let created = 0;
        for (const p of all) {
          try {
            if ((await ctx.principals.register(p, ctx.actor)).created) created++;
          } catch (err) {
            if (err instanceof InvalidPrincipalError) throw new CliError(`${p.id}: ${err.message}`, EXIT.usage);
            throw err;
          }
          const known = existing[p.id];
          const valid =
            known &&
            Date.parse(known.expiresAt) > Date.now() + 86_400_000 &&
            (await ctx.credentials.authenticate(known.token)).ok;
          if (valid) tokens[p.id] = known;
          else if (o.tokensOut) {
            const issued = await ctx.credentials.issue(p.id, { validDays: Number(o.days), label: 'seed' }, ctx.actor);
            tokens[p.id] = { token: issued.token, credentialId: issued.id, expiresAt: issued.expiresAt.toISOString() };
          }
        }
        if (o.tokensOut) {
          fs.mkdirSync(path.dirname(path.resolve(o.tokensOut)), { recursive: true });
          fs.writeFileSync(o.tokensOut, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
        }
        process.stderr.write(
          `seed: ${all.length} principals (${created} new)${o.tokensOut ? `, tokens in ${o.tokensOut}` : ''}\n`,
        );
      });
    });
}
