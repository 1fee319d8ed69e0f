import type { InsurerAdapter } from '../adapters/insurer-adapter';
import type { InsurerMapping } from '../normalizer/insurer-mapping';
import { CpicAdapter } from './cpic/cpic.adapter';
import { CPIC_MAPPING } from './cpic/cpic.mapping';
import { DadiAdapter } from './dadi/dadi.adapter';
import { DADI_MAPPING } from './dadi/dadi.mapping';
import { PiccAdapter } from './picc/picc.adapter';
import { PICC_MAPPING } from './picc/picc.mapping';
import { PinganAdapter } from './pingan/pingan.adapter';
import { PINGAN_MAPPING } from './pingan/pingan.mapping';

/** An insurer the hub supports: its container adapter and its field mapping. */
export interface InsurerPlugin {
  adapter: InsurerAdapter;
  mapping: InsurerMapping;
}

/** Adding an insurer = one folder with an adapter and a mapping, and one line here. */
const PLUGINS: readonly InsurerPlugin[] = [
  { adapter: new PiccAdapter(), mapping: PICC_MAPPING },
  { adapter: new PinganAdapter(), mapping: PINGAN_MAPPING },
  { adapter: new CpicAdapter(), mapping: CPIC_MAPPING },
  { adapter: new DadiAdapter(), mapping: DADI_MAPPING },
];

for (const p of PLUGINS)
  if (p.adapter.insurer !== p.mapping.insurer)
    throw new Error(`insurer plugin mismatch: adapter ${p.adapter.insurer}, mapping ${p.mapping.insurer}`);

export const SUPPORTED_INSURERS: readonly string[] = PLUGINS.map((p) => p.adapter.insurer);

const ADAPTERS = new Map(PLUGINS.map((p) => [p.adapter.insurer, p.adapter]));

export const INSURER_MAPPINGS: Readonly<Record<string, InsurerMapping>> = Object.fromEntries(
  PLUGINS.map((p) => [p.mapping.insurer, p.mapping]),
);

export function adapterFor(insurer: string): InsurerAdapter | undefined {
  return ADAPTERS.get(insurer);
}
