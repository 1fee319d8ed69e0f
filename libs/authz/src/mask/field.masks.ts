/**
 * Masks of personal fields (DESIGN.md "Masks"). Lengths and positions count Unicode code points, so a
 * supplementary-plane character (e.g. 𠀋) is one character and is never split into a lone surrogate.
 */

/** 张三丰 → 张**; a one-character value → `*`. */
export function maskName(value: string): string {
  const chars = Array.from(value);
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** 13812345678 → 138****5678: first 3 and last 4 kept; shorter than 8 → all `*`. */
export function maskPhone(value: string): string {
  return keepEnds(value, 3, 4, 8);
}

/** First 2 and last 2 kept; shorter than 5 → all `*`. */
export function maskCertificateNo(value: string): string {
  return keepEnds(value, 2, 2, 5);
}

function keepEnds(value: string, head: number, tail: number, minLength: number): string {
  const chars = Array.from(value);
  if (chars.length < minLength) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}

export function maskNullable(value: string | null, mask: (v: string) => string): string | null {
  return value === null ? null : mask(value);
}
