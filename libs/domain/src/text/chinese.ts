import * as OpenCC from 'opencc-js/t2cn';

/**
 * Traditional → Simplified Chinese exactly as OpenCC's `t2s` does (opencc-js, `{from: 't', to: 'cn'}`), with one
 * converter built once per process. Text that holds no character any dictionary entry starts with cannot change,
 * so it is returned as is without walking the trie (most insurer text is already Simplified).
 */
const convert = OpenCC.Converter({ from: 't', to: 'cn' });

function dictionaryFirstCodePoints(): Set<number> | null {
  const chain = OpenCC.Locale.configs?.t2s?.conversionChain;
  if (!chain) return null;
  const firsts = new Set<number>();
  for (const group of chain) {
    for (const dict of group) {
      const entries: string[] =
        typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ')[0]) : dict.map(([from]) => from);
      for (const key of entries) if (key) firsts.add(key.codePointAt(0)!);
    }
  }
  return firsts.size ? firsts : null;
}

const FIRSTS = dictionaryFirstCodePoints();

function mayConvert(text: string): boolean {
  if (!FIRSTS) return true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x2e80) continue; // below the CJK radicals nothing is converted
    const cp = text.codePointAt(i)!;
    if (FIRSTS.has(cp)) return true;
    if (cp > 0xffff) i++;
  }
  return false;
}

// Insurer text repeats (enterprise, provider and place names, code names): short conversions are memoised, the
// cache being dropped whole when full so memory stays bounded.
const CACHE_LIMIT = 20000;
const CACHEABLE_LENGTH = 200;
let cache = new Map<string, string>();

export function toSimplified(text: string): string {
  if (!mayConvert(text)) return text;
  if (text.length > CACHEABLE_LENGTH) return convert(text);
  let out = cache.get(text);
  if (out === undefined) {
    out = convert(text);
    if (cache.size >= CACHE_LIMIT) cache = new Map();
    cache.set(text, out);
  }
  return out;
}
