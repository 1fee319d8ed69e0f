/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters — 登记管理部门代码 and 机构类别代码 (2 characters of the
 * alphabet), 登记管理机关行政区划码 (6 digits), 主体标识码 (9 characters) and a check character computed with
 * modulus 31 over the first 17.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const VALUE = new Map([...USCC_ALPHABET].map((c, i) => [c, i]));
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character of the first 17 characters (undefined when one is outside the alphabet). */
export function usccCheckCharacter(first17: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = VALUE.get(first17[i]);
    if (v === undefined) return undefined;
    sum += v * WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** An upper-case, normalised USCC: right shape and correct check character. */
export function isValidUscc(uscc: string): boolean {
  return uscc.length === 18 && SHAPE.test(uscc) && usccCheckCharacter(uscc.slice(0, 17)) === uscc[17];
}
