import { toSimplified } from '@ajx/domain';
import * as OpenCC from 'opencc-js/cn2t';
import type { Random } from './random';

const toTraditional = OpenCC.Converter({ from: 'cn', to: 't' });
const PADDING = [' ', '  ', '\u3000', '\t'];

/**
 * The noise real insurer files carry, applied with probability `level` per value: padded and Traditional-Chinese
 * text, full-width or lower-case identifiers. Every kind of noise is one the standard undoes, so the canonical
 * value does not change.
 */
export class Noise {
  constructor(
    private readonly rng: Random,
    readonly level: number,
  ) {}

  private on(): boolean {
    return this.level > 0 && this.rng.chance(this.level);
  }

  /** Names and text: padding and/or Traditional characters (only where converting back gives the same text). */
  text(s: string | null): string | null {
    if (s === null) return null;
    let out = s;
    if (this.on()) {
      const t = toTraditional(out);
      if (toSimplified(t) === out) out = t;
    }
    if (this.on()) out = this.rng.pick(PADDING) + out + this.rng.pick(PADDING);
    return out;
  }

  /** Chinese coded values (sector, item …): padding and/or Traditional characters. */
  coded(s: string): string {
    return this.text(s)!;
  }

  /** Identifiers: full-width ASCII and/or surrounding spaces. */
  id(s: string | null): string | null {
    if (s === null) return null;
    let out = s;
    if (this.on()) out = fullWidth(out);
    if (this.on()) out = ` ${out} `;
    return out;
  }

  /** A USCC: identifier noise plus lower case. */
  uscc(s: string | null): string | null {
    if (s === null) return null;
    return this.id(this.on() ? s.toLowerCase() : s);
  }

  /** A phone number written the way people do. */
  phone(s: string | null): string | null {
    if (s === null || !this.on()) return s;
    if (s.startsWith('1') && s.length === 11)
      return this.rng.pick([`+86-${s}`, `86 ${s}`, `${s.slice(0, 3)} ${s.slice(3, 7)} ${s.slice(7)}`, fullWidth(s)]);
    return `${s.slice(0, 4)}-${s.slice(4)}`;
  }
}

export function fullWidth(s: string): string {
  return s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
