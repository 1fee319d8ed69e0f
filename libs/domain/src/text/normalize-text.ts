import { toSimplified } from './chinese';

// Every rule of the standard on text, compiled once. JS `\s` is Unicode white space (U+3000 and U+00A0 included).
const WHITE_SPACE_GLOBAL = /\s+/g;
const WHITE_SPACE = /\s/;
const FULL_WIDTH_ASCII = /[\uff01-\uff5e\u3000]/g;
const CRLF = /\r\n/g;

function halfWidth(ch: string): string {
  const c = ch.charCodeAt(0);
  return c === 0x3000 ? ' ' : String.fromCharCode(c - 0xfee0);
}

/** Full-width ASCII (U+FF01–U+FF5E, U+3000) turned to its half-width form. */
export function toHalfWidth(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) return text.replace(FULL_WIDTH_ASCII, halfWidth);
  }
  return text;
}

/** Identifiers (ids, USCC, phone, certificate numbers, region codes): half-width, every white space removed. */
export function normalizeIdentifier(text: string): string {
  const half = toHalfWidth(text);
  return WHITE_SPACE.test(half) ? half.replace(WHITE_SPACE_GLOBAL, '') : half;
}

/** Length in characters (code points), as the standard counts. */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/**
 * Human text (location, summary, description, category, notes): Traditional → Simplified, CRLF → LF, white space
 * trimmed at both ends; `name` also collapses inner white-space runs to one space. Empty → null.
 */
export function normalizeHumanText(text: string, name = false): string | null {
  let s = text.includes('\r\n') ? text.replace(CRLF, '\n') : text;
  s = s.trim();
  if (!s) return null;
  if (name) s = s.replace(WHITE_SPACE_GLOBAL, ' ');
  return toSimplified(s);
}

/** Chinese coded values (sector, item, level … region names): Simplified and trimmed before lookup. */
export function normalizeCodedValue(text: string): string {
  return toSimplified(text.trim());
}
