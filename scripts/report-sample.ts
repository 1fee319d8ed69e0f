import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPORT_FORMATS, renderReport, reportFileName, sampleWeeklyReport } from '@ajx/report-rendering';

/*
 * npm run reports:sample
 *
 * Renders the sample weekly report (任城区, 2026-W49) in every format into var/reports-sample/ and its first PDF page
 * into docs/img/report-weekly-page1.png, the picture in docs/reports.md. Needs pdftoppm (scripts/bootstrap.sh).
 */

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, 'var', 'reports-sample');
const image = path.join(root, 'docs', 'img', 'report-weekly-page1.png');

async function main(): Promise<void> {
  const doc = sampleWeeklyReport();
  fs.mkdirSync(outDir, { recursive: true });
  let pdfFile = '';
  for (const format of REPORT_FORMATS) {
    const file = path.join(outDir, reportFileName(doc, format));
    fs.writeFileSync(file, await renderReport(doc, format));
    process.stdout.write(`${path.relative(root, file)}\t${fs.statSync(file).size} bytes\n`);
    if (format === 'pdf') pdfFile = file;
  }
  const pages = execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' }).match(/^Pages:\s+(\d+)/m)?.[1];
  process.stdout.write(`pages\t${pages ?? '?'}\n`);
  fs.mkdirSync(path.dirname(image), { recursive: true });
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '90',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    pdfFile,
    image.replace(/\.png$/, ''),
  ]);
  process.stdout.write(`${path.relative(root, image)}\t${fs.statSync(image).size} bytes\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`reports:sample failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
