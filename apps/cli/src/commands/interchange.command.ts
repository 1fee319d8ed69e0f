import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { printJson, withContext } from '../cli-lazy';

const ENDPOINT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** `ajx interchange …`: operator controls of the provincial interchange. */
export function registerInterchangeCommands(program: Command): void {
  const interchange = program.command('interchange').description('the provincial interchange');
  interchange
    .command('resume')
    .description(
      'resume a halted endpoint without restarting the interchange: its sender retries the kept batch within seconds',
    )
    .argument('<endpoint>', 'the endpoint id (AJX_INTERCHANGE_ENDPOINTS)')
    .action(async (endpointId: string) => {
      if (!ENDPOINT_ID.test(endpointId))
        throw new CliError(`invalid endpoint id ${JSON.stringify(endpointId)} (letters, digits, . _ -)`, EXIT.usage);
      const { InterchangeStateRepository } = await import('@ajx/interchange-store');
      await withContext(async (ctx) => {
        const state = new InterchangeStateRepository(ctx.db);
        const st = await state.endpoint(endpointId);
        if (!st) throw new CliError(`no interchange endpoint ${endpointId} has run on this hub`, EXIT.usage);
        if (st.haltedAt) await state.clearHalt(endpointId);
        await ctx.audit.record({
          actor: ctx.actor,
          action: 'interchange.resume',
          target: endpointId,
          outcome: st.haltedAt ? 'ok' : 'denied',
          details: st.haltedAt
            ? { haltedAt: st.haltedAt.toISOString(), reason: st.haltedReason }
            : { reason: 'not halted' },
        });
        printJson({ endpoint: endpointId, resumed: st.haltedAt !== null, haltedReason: st.haltedReason });
        process.stderr.write(
          st.haltedAt
            ? `resumed ${endpointId} (halted since ${st.haltedAt.toISOString()}: ${st.haltedReason ?? 'no reason'})\n`
            : `${endpointId} is not halted; nothing to do\n`,
        );
      });
    });
}
