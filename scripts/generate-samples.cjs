#!/usr/bin/env node
'use strict';
// Writes generated native files (libs/simulation, built) in the layout of ../shared/samples — <INSURER>/<file> and
// expected/<INSURER>/<file>.ndjson — so that scripts/conformance.sh checks `ajx normalize` on them with the shared
// checker too: every format, every record kind of data standard v1 and v2, with noise and single-record defects.
// usage: node scripts/generate-samples.cjs OUT_DIR [SEED]
const fs = require('node:fs');
const path = require('node:path');

const [out, seed = 'conformance'] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: generate-samples.cjs OUT_DIR [SEED]\n');
  process.exit(2);
}
const dist = path.join(__dirname, '..', 'dist', 'libs', 'simulation', 'src');
if (!fs.existsSync(dist)) {
  process.stderr.write('generate-samples: the project is not built yet; run `npm run build`\n');
  process.exit(2);
}
const { simulateFile, toExpectedLine } = require(dist);

const EXT = { PICC: 'csv', PINGAN: 'ndjson', CPIC: 'xml', DADI: 'json' };
const V1 = ['policy', 'service', 'hazard'];
const V2 = ['accident', 'claim'];
const common = { records: 150, noise: 0.3, defectRate: 0.15, blankLines: 0.05 };

function files(insurer) {
  if (insurer === 'PICC') return [...V1, ...V2].map((kind) => [`g-picc-${kind}`, { kind }]);
  const name = insurer.toLowerCase();
  return [
    [`g-${name}-v1`, {}],
    [`g-${name}-v2`, { kinds: V2 }],
    [`g-${name}-all`, { kinds: [...V1, ...V2] }],
  ];
}

(async () => {
  for (const insurer of Object.keys(EXT)) {
    fs.mkdirSync(path.join(out, insurer), { recursive: true });
    fs.mkdirSync(path.join(out, 'expected', insurer), { recursive: true });
    for (const [base, options] of files(insurer)) {
      const file = `${base}.${EXT[insurer]}`;
      const sim = simulateFile({ insurer, seed: `${seed}-${base}`, ...common, ...options });
      fs.writeFileSync(path.join(out, insurer, file), await sim.bytes());
      const lines = [...sim.outcomes()].map((o) => JSON.stringify(toExpectedLine(o)));
      fs.writeFileSync(path.join(out, 'expected', insurer, `${file}.ndjson`), lines.join('\n') + '\n');
    }
  }
})().catch((err) => {
  process.stderr.write(`generate-samples: ${err.stack || err}\n`);
  process.exit(1);
});
