import type { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';

interface ReportsRunOptions {
  kind: string;
  county?: string;
  city?: string;
  insurer?: string;
  week?: string;
  month?: string;
  url: string;
  token?: string;
}

const KINDS = ['weekly', 'city-bulletin', 'monthly-scorecard'];

/** The run request of `ajx reports run`, checked (usage errors name the option). */
export function reportRunRequest(o: ReportsRunOptions): Record<string, string> {
  if (!KINDS.includes(o.kind))
    throw new CliError(`--kind must be one of ${KINDS.join(', ')}, got ${o.kind}`, EXIT.usage);
  const monthly = o.kind === 'monthly-scorecard';
  const period = monthly ? o.month : o.week;
  if (!period)
    throw new CliError(
      monthly ? '--month YYYY-MM is required' : '--week YYYY-Www (e.g. 2026-W49) is required',
      EXIT.usage,
    );
  if (monthly ? !/^\d{4}-\d{2}$/.test(period) : !/^\d{4}-W\d{2}$/.test(period))
    throw new CliError(
      `${monthly ? '--month' : '--week'} ${period} is not ${monthly ? 'YYYY-MM' : 'YYYY-Www'}`,
      EXIT.usage,
    );
  const region = o.kind === 'weekly' ? o.county : o.city;
  if (region !== undefined && !/^\d{6}$/.test(region))
    throw new CliError(`${o.kind === 'weekly' ? '--county' : '--city'} must be a 6-digit region code`, EXIT.usage);
  if (o.insurer !== undefined && !monthly) throw new CliError('--insurer is for --kind monthly-scorecard', EXIT.usage);
  return {
    kind: o.kind,
    period,
    ...(region !== undefined ? { region } : {}),
    ...(o.insurer !== undefined ? { insurer: o.insurer } : {}),
  };
}

export function registerReportsCommands(program: Command): void {
  const reports = program
    .command('reports')
    .description('reports filed upward (周报, 工作简报, 月度讲评; docs/reports.md)');
  reports
    .command('run')
    .description('make (again) the reports of a past period on a running hub and print where to download them')
    .requiredOption('--kind <kind>', KINDS.join(' | '))
    .option('--county <code>', 'weekly: the county (e.g. 370811); default every county')
    .option('--city <code>', 'city-bulletin, monthly-scorecard: the city (e.g. 370800)')
    .option('--insurer <code>', 'monthly-scorecard: one insurer')
    .option('--week <YYYY-Www>', 'weekly, city-bulletin: the ISO week (e.g. 2026-W49)')
    .option('--month <YYYY-MM>', 'monthly-scorecard: the month (e.g. 2026-11)')
    .option('--url <gateway>', 'the gateway', 'http://127.0.0.1:3000')
    .option('--token <token>', 'an operator’s credential, or the owning department’s (default: $AJX_TOKEN)')
    .action(async (o: ReportsRunOptions) => {
      const body = reportRunRequest(o);
      const token = o.token ?? process.env.AJX_TOKEN;
      if (!token) throw new CliError('a token is required (--token or AJX_TOKEN)', EXIT.usage);
      const base = o.url.replace(/\/+$/, '');
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      // An operator runs any report; a department its own (the gateway says which by the token's principal).
      let res = await fetch(`${base}/v1/admin/reports/runs`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (res.status === 403)
        res = await fetch(`${base}/v1/dept/reports/runs`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new CliError(`the hub refused the run (${res.status}): ${text}`);
      const { items } = JSON.parse(text) as {
        items: {
          reportId: string;
          kind: string;
          scope: string;
          period: string;
          outcome: string;
          downloads: Record<string, string>;
        }[];
      };
      if (!items.length)
        throw new CliError(`no ${o.kind} report for ${body.period}: the hub holds no figures of that scope`);
      for (const r of items) {
        process.stderr.write(`${r.kind} ${r.scope} ${r.period}: ${r.outcome} (report ${r.reportId})\n`);
        for (const url of Object.values(r.downloads)) process.stdout.write(`${base}${url}\n`);
      }
    });
}
