import type { InsurerFileParser } from '../parsers/insurer-file-parser';
import type { InsurerMapping } from '../normalizer/insurer-mapping';
import { CpicFileParser } from './cpic/cpic.parser';
import { CPIC_MAPPING } from './cpic/cpic.mapping';
import { DadiFileParser } from './dadi/dadi.parser';
import { DADI_MAPPING } from './dadi/dadi.mapping';
import { PiccFileParser } from './picc/picc.parser';
import { PICC_MAPPING } from './picc/picc.mapping';
import { PinganFileParser } from './pingan/pingan.parser';
import { PINGAN_MAPPING } from './pingan/pingan.mapping';

/** An insurer the hub supports: its container parser and its field mapping. */
export interface InsurerPlugin {
  parser: InsurerFileParser;
  mapping: InsurerMapping;
}

/** Adding an insurer = one folder with an parser and a mapping, and one line here. */
const PLUGINS: readonly InsurerPlugin[] = [
  { parser: new PiccFileParser(), mapping: PICC_MAPPING },
  { parser: new PinganFileParser(), mapping: PINGAN_MAPPING },
  { parser: new CpicFileParser(), mapping: CPIC_MAPPING },
  { parser: new DadiFileParser(), mapping: DADI_MAPPING },
];

for (const p of PLUGINS)
  if (p.parser.insurer !== p.mapping.insurer)
    throw new Error(`insurer plugin mismatch: parser ${p.parser.insurer}, mapping ${p.mapping.insurer}`);

export const SUPPORTED_INSURERS: readonly string[] = PLUGINS.map((p) => p.parser.insurer);

const PARSERS = new Map(PLUGINS.map((p) => [p.parser.insurer, p.parser]));

export const INSURER_MAPPINGS: Readonly<Record<string, InsurerMapping>> = Object.fromEntries(
  PLUGINS.map((p) => [p.mapping.insurer, p.mapping]),
);

export function fileParserFor(insurer: string): InsurerFileParser | undefined {
  return PARSERS.get(insurer);
}
