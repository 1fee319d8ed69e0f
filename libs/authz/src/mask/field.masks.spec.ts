import { maskCertificateNo, maskName, maskPhone } from './field.masks';

describe('maskName', () => {
  it.each([
    ['张三丰', '张**'],
    ['张三', '张*'],
    ['张', '*'],
    ['欧阳 娜娜', '欧****'],
    ['𠀋', '*'],
    ['𠀋𠀋𠀋', '𠀋**'],
    ['王𠀋', '王*'],
    ['', ''],
  ])('%j → %j (one * per code point after the first)', (input, masked) => {
    expect(maskName(input)).toBe(masked);
  });
});

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['05372345678', '053****5678'],
    ['12345678', '123*5678'],
    ['1234567', '*******'],
    ['12345', '*****'],
    ['008613812345678', '008********5678'],
  ])('%j → %j (first 3, last 4; shorter than 8 all *)', (input, masked) => {
    expect(maskPhone(input)).toBe(masked);
  });
});

describe('maskCertificateNo', () => {
  it.each([
    ['AQ2023-000145', 'AQ*********45'],
    ['12345', '12*45'],
    ['1234', '****'],
    ['1', '*'],
    ['𠀋𠀋AB12𠀋𠀋', '𠀋𠀋****𠀋𠀋'],
    ['𠀋123', '****'],
  ])('%j → %j (first 2, last 2; shorter than 5 all *)', (input, masked) => {
    expect(maskCertificateNo(input)).toBe(masked);
  });

  it('never leaves a lone surrogate', () => {
    const masked = maskCertificateNo('𠀋𠀋𠀋𠀋𠀋𠀋');
    expect(masked).toBe('𠀋𠀋**𠀋𠀋');
    expect(() => encodeURIComponent(masked)).not.toThrow(); // throws on a lone surrogate
  });
});
