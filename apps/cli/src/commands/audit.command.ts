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
    .option(
      '--key <file>',
      'public (or private) key PEM; repeat it for every key that signed blocks (after a rotation)',
      (file: string, all: string[]) => [...all, file],
      [] as string[],
    )
    .option(
      '--keyring <dir>',
      'a directory of such keys (every *.pem and *.pub in it): the current and the retired ones',
    )
    .option('--anchor <file>', 'the signed head written by the sealer, to detect truncation')
    .action(async (o: { key: string[]; keyring?: string; anchor?: string }) => {
      const { AuditVerifier, AuditVerifierKey, readAnchor } = await import('@ajx/audit');
      const files = [
        ...o.key,
        ...(o.keyring
          ? fs
              .readdirSync(o.keyring)
              .filter((f) => /\.(pem|pub)$/.test(f))
              .sort()
              .map((f) => path.join(o.keyring!, f))
          : []),
      ];
      if (files.length === 0)
        throw new CliError('give the verifying key(s): --key <file> or --keyring <dir>', EXIT.usage);
      const byId = new Map<string, InstanceType<typeof AuditVerifierKey>>();
      for (const f of files) {
        const k = AuditVerifierKey.fromPem(fs.readFileSync(f, 'utf8'));
        byId.set(k.keyId, k); // a private key and its .pub are the same key
      }
      const key = [...byId.values()];
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
