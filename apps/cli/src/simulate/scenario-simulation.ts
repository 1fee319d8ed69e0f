import { fileParserFor } from '@ajx/domain';
import {
  NATIVE_FORMATS,
  plantedAfter,
  scenarioExtraTick,
  scenarioFiles,
  simulateFile,
  supervisionScenario,
  type ScenarioCity,
  type ScenarioRecord,
  type SupervisionScenario,
} from '@ajx/simulation';
import { GatewayUploader, UploadRefusedError } from './gateway-uploader';

export interface ScenarioSimulationOptions {
  url: string;
  /** Bearer token of a principal (insurer code or department id); throws when there is none. */
  tokenOf: (principal: string) => string;
  seed: string;
  /** Beijing date the scenario is built around. */
  today: string;
  enterprisesPerCounty: number;
  regions: readonly ScenarioCity[];
  /** The department that submits each city's register (`PUT /v1/dept/register`). */
  registerPrincipals: Readonly<Record<string, string>>;
  intervalMs: number;
  /** Ticks after the history (0: until stopped; the planned ticks, then extra ones). */
  rounds: number;
  noise: number;
  /** Every n-th tick an insurer also sends a few defective records, which the hub rejects to the DLQ (0: never). */
  rejectsEvery: number;
  log: (line: string) => void;
  stopped: () => boolean;
  sleep: (ms: number) => Promise<void>;
}

export interface ScenarioSimulationOutcome {
  ticks: number;
  files: number;
  records: number;
  /** Live uploads the gateway refused (the register and the history stop the run instead). */
  refused: number;
  /** Defective records sent on purpose (each one rejected by the normaliser, none a canonical record). */
  defective: number;
}

const countBy = (xs: readonly string[]) =>
  Object.entries(xs.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {}))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/**
 * The simulated insurers of the demo, playing the supervision scenario: the departments' registers first, then the
 * history every insurer delivered before today, then today's activity tick by tick. A refused register or history
 * stops the run (the scenario would be wrong); a refused tick is reported and the next one follows.
 */
export async function runScenarioSimulation(o: ScenarioSimulationOptions): Promise<ScenarioSimulationOutcome> {
  const s = supervisionScenario({
    seed: o.seed,
    today: o.today,
    enterprisesPerCounty: o.enterprisesPerCounty,
    regions: o.regions,
  });
  describe(s, o.log);
  const gateway = new GatewayUploader(o.url, o.tokenOf);
  const outcome: ScenarioSimulationOutcome = { ticks: 0, files: 0, records: 0, refused: 0, defective: 0 };

  for (const city of s.regions) {
    const principal = o.registerPrincipals[city];
    if (!principal) throw new Error(`no department to submit the register of ${city} (--register-as ${city}=<id>)`);
    const lines = s.register.filter((l) => l.regionCode.startsWith(city));
    const v = await gateway.putRegister(principal, lines);
    o.log(
      `register ${city}: version ${v.version} by ${principal}, ${v.entries} entries (${v.added} added, ${v.removed} removed)`,
    );
  }
  await deliver(gateway, s, s.history, 'history', o, outcome);

  for (let n = 0; !o.stopped() && (o.rounds === 0 || n < o.rounds); n++) {
    await o.sleep(o.intervalMs);
    if (o.stopped()) break;
    const planned = n < s.ticks.length;
    const records = planned ? s.ticks[n] : scenarioExtraTick(s, n - s.ticks.length).records;
    try {
      await deliver(gateway, s, records, `tick ${n}`, o, outcome);
      if (o.rejectsEvery > 0 && (n + 1) % o.rejectsEvery === 0) await deliverDefects(gateway, s, n, o, outcome);
    } catch (err) {
      if (!(err instanceof UploadRefusedError)) throw err;
      outcome.refused++;
      o.log(err.message);
    }
    outcome.ticks++;
    if (planned) {
      const after = plantedAfter(s, n);
      const opened = after.filter((p) => p.from === n).map((p) => `${p.rule} ${p.key}`);
      const resolved = s.planted.filter((p) => p.until === n).map((p) => `${p.rule} ${p.key}`);
      if (opened.length || resolved.length)
        o.log(`tick ${n}: expect ${[...opened.map((k) => `+${k}`), ...resolved.map((k) => `−${k}`)].join(', ')}`);
      if (n === s.ticks.length - 1)
        o.log(`planned activity done: ${after.length} findings expected; extra ticks of new business follow`);
    }
  }
  return outcome;
}

async function deliver(
  gateway: GatewayUploader,
  s: SupervisionScenario,
  records: readonly ScenarioRecord[],
  label: string,
  o: ScenarioSimulationOptions,
  outcome: ScenarioSimulationOutcome,
): Promise<void> {
  const files = scenarioFiles(records, { seed: s.seed, label: label.replace(' ', '-'), noise: o.noise });
  const sent: string[] = [];
  for (const f of files) {
    const answer = await gateway.uploadFile(f, label);
    outcome.files++;
    outcome.records += f.records.length;
    sent.push(`${f.insurer}${f.kind ? `/${f.kind}` : ''} ${answer.records}`);
  }
  o.log(`${label}: ${records.length} records in ${files.length} files (${sent.join(', ')})`);
}

const DEFECT_KINDS = ['policy', 'service', 'hazard', 'accident', 'claim'] as const;

/**
 * A small file of records that each carry one defect of the data standard (a bad USCC, a missing field, an end
 * before the start …): the hub must reject every one of them (DLQ) and take nothing from them, so the planted
 * findings stay as they are.
 */
async function deliverDefects(
  gateway: GatewayUploader,
  s: SupervisionScenario,
  n: number,
  o: ScenarioSimulationOptions,
  outcome: ScenarioSimulationOutcome,
): Promise<void> {
  const insurers = Object.keys(NATIVE_FORMATS);
  const turn = Math.floor(n / o.rejectsEvery);
  const insurer = insurers[turn % insurers.length];
  const kind = DEFECT_KINDS[turn % DEFECT_KINDS.length];
  const file = simulateFile({
    insurer,
    seed: `${String(s.seed)}:${s.today}:defects:${n}`,
    records: 3,
    kind,
    kinds: [kind],
    defectRate: 1,
    regionPrefixes: s.regions,
  });
  const codes = [...file.outcomes()].map((x) => (x.ok ? 'accepted' : x.code));
  await gateway.uploadFile(
    {
      insurer,
      kind: NATIVE_FORMATS[insurer].mixedKinds ? null : kind,
      contentType: fileParserFor(insurer)!.contentTypes[0],
      file,
    },
    `tick ${n} (defects)`,
  );
  outcome.defective += codes.length;
  o.log(
    `tick ${n}: ${insurer} also sent ${codes.length} defective ${kind} records (expect rejects ${codes.join(', ')})`,
  );
}

function describe(s: SupervisionScenario, log: (line: string) => void): void {
  const deposit = s.register.filter((l) => l.alternative === 'risk_deposit').length;
  log(
    `scenario ${String(s.seed)} on ${s.today}: ${s.enterprises.length} enterprises in ${s.regions.join(', ')}, ` +
      `${s.register.length} registered (${deposit} on the risk deposit)`,
  );
  log(`history: ${s.history.length} records (${countBy(s.history.map((r) => r.kind))})`);
  log(`today: ${s.ticks.length} planned ticks of ${s.ticks.reduce((n, t) => n + t.length, 0)} records`);
  log(`planted after the history: ${countBy(plantedAfter(s, null).map((p) => p.rule))}`);
  log(`planted after the planned ticks: ${countBy(plantedAfter(s, s.ticks.length).map((p) => p.rule))}`);
}
