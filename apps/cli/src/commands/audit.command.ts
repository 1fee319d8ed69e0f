import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { printJson, withContext } from '../cli-lazy';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('keygen')
    .description('create the Ed25519 key that signs the audit chain (keep it outside the database)')
    .requiredOption('--out <file>', 'private key PEM to write (mode 0600); the public key goes to <file>.pub')
    .action(async (o: { out: string }) => {
      const { AuditSigner } = await import('@ajx/audit');
      if (fs.existsSync(o.out)) throw new CliError(`${o.out} exists; refusing to overwrite an audit key`, EXIT.usage);
      const { privateKeyPem, publicKeyPem } = AuditSigner.generatePem();
      fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
      fs.writeFileSync(o.out, privateKeyPem, { mode: 0o600 });
      fs.writeFileSync(`${o.out}.pub`, publicKeyPem);
      process.stderr.write(`wrote ${o.out} and ${o.out}.pub (key id ${AuditSigner.fromPem(privateKeyPem).keyId})\n`);
    });
  audit
    .command('seal')
    .description('seal pending entries now (the gateway also does this continuously)')
    .requiredOption('--key <file>', 'private key PEM')
    .option('--anchor <file>', 'write the signed head here')
    .action(async (o: { key: string; anchor?: string }) => {
      const { AuditSealer, AuditSigner } = await import('@ajx/audit');
      const signer = AuditSigner.fromPem(fs.readFileSync(o.key, 'utf8'));
      await withContext(async (ctx) => {
        printJson(await new AuditSealer(ctx.auditRepo).sealAll(signer, { anchorFile: o.anchor }));
      });
    });
  audit
    .command('verify')
    .description('recompute the chain; exit 1 and list every problem when an entry was edited, deleted or reordered')
    .requiredOption('--key <file>', 'public (or private) key PEM')
    .option('--anchor <file>', 'the signed head written by the sealer, to detect truncation')
    .action(async (o: { key: string; anchor?: string }) => {
      const { AuditVerifier, AuditVerifierKey, readAnchor } = await import('@ajx/audit');
      const key = AuditVerifierKey.fromPem(fs.readFileSync(o.key, 'utf8'));
      const anchor = o.anchor ? readAnchor(o.anchor) : undefined;
      await withContext(async (ctx) => {
        const result = await new AuditVerifier(ctx.auditRepo).verify(key, anchor);
        printJson(result);
        process.stderr.write(
          result.ok
            ? `audit chain intact: ${result.blocks} blocks, ${result.entries} entries (${result.unsealed} not sealed yet)\n`
            : `audit chain BROKEN: ${result.problems.length} problem(s)\n${result.problems.map((p) => `  ${p.kind}: ${p.detail}`).join('\n')}\n`,
        );
        if (!result.ok) process.exitCode = EXIT.failure;
      });
    });
}
