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

export function toSimplified(text: string): string {
  return mayConvert(text) ? convert(text) : text;
}
