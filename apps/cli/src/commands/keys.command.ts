import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { printJson, withContext } from '../cli-lazy';

function keyFileOption(given: string | undefined): string {
  const file = given ?? process.env.AJX_WEBHOOK_KEY_FILE;
  if (!file) throw new CliError('give the key file: --key-file <file> or AJX_WEBHOOK_KEY_FILE', EXIT.usage);
  return file;
}

/** `ajx keys …`: the key file that seals webhook secrets at rest (ADR 0009). */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('the keys that seal webhook secrets at rest (AES-256-GCM)');
  keys
    .command('generate')
    .description('create a webhook key file with one key (keep it outside the database, like the audit key)')
    .requiredOption('--out <file>', 'key file to write (mode 0600)')
    .action(async (o: { out: string }) => {
      const { WebhookKeyFile, WebhookKeyring } = await import('@ajx/webhooks');
      if (fs.existsSync(o.out)) throw new CliError(`${o.out} exists; refusing to overwrite a key file`, EXIT.usage);
      fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
      const key = WebhookKeyring.generateKey();
      WebhookKeyFile.write(o.out, [key]);
      process.stderr.write(`wrote ${o.out} (key id ${WebhookKeyring.of([key]).currentKeyId})\n`);
    });
  keys
    .command('rotate')
    .description(
      'add a new current key to the key file and re-encrypt every webhook secret with it (running services read the file again)',
    )
    .option('--key-file <file>', 'the key file (default: AJX_WEBHOOK_KEY_FILE)')
    .option('--retire', 'afterwards, remove the older keys from the file (no secret uses them any more)')
    .action(async (o: { keyFile?: string; retire?: boolean }) => {
      const { WebhookKeyFile, WebhookKeyring } = await import('@ajx/webhooks');
      const { WebhookOutboxRepository } = await import('@ajx/dept-store');
      const file = keyFileOption(o.keyFile);
      const old = WebhookKeyFile.keysOf(file); // refuses a broken file before changing anything
      const fresh = WebhookKeyring.generateKey();
      // The new key goes into the file first: a secret is never sealed with a key the file does not hold.
      WebhookKeyFile.write(file, [...old, fresh]);
      const ring = WebhookKeyFile.read(file);
      await withContext(async (ctx) => {
        const outbox = new WebhookOutboxRepository(ctx.db);
        const resealed = await outbox.resealSecrets((departmentId, stored) =>
          ring.seal(departmentId, 'plain' in stored ? stored.plain : ring.open(departmentId, stored)),
        );
        const usage = await outbox.secretKeyUsage();
        const retired = o.retire ? ring.keyIds.filter((id) => id !== ring.currentKeyId) : [];
        if (o.retire) {
          const stillUsed = retired.filter((id) => usage[id]);
          if (stillUsed.length > 0)
            throw new CliError(`keys ${stillUsed.join(', ')} still seal secrets; not retired`, EXIT.failure);
          WebhookKeyFile.write(file, [fresh]);
        }
        await ctx.audit.record({
          actor: ctx.actor,
          action: 'keys.rotate',
          target: 'webhook-secrets',
          outcome: 'ok',
          details: { keyId: ring.currentKeyId, resealed, retired },
        });
        printJson({ keyId: ring.currentKeyId, resealed, retired, usage });
        process.stderr.write(
          `webhook secrets re-encrypted with key ${ring.currentKeyId}: ${resealed}` +
            (retired.length ? `; retired ${retired.join(', ')}` : '') +
            '\n',
        );
      });
    });
}
