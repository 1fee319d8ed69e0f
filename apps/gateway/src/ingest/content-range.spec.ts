import { parseContentRange } from './content-range';

describe('parseContentRange', () => {
  it('parses bytes first-last/total', () => {
    expect(parseContentRange('bytes 0-1023/4096')).toEqual({ first: 0, last: 1023, total: 4096, length: 1024 });
    expect(parseContentRange('bytes 4095-4095/4096')).toEqual({ first: 4095, last: 4095, total: 4096, length: 1 });
  });

  it.each([
    [undefined, /required/],
    ['', /required/],
    ['bytes 0-10', /is not/],
    ['bytes */100', /is not/],
    ['items 0-1/2', /is not/],
    ['bytes 10-5/100', /before it starts/],
    ['bytes 0-100/100', /beyond the total/],
    ['bytes -1-5/100', /is not/],
  ])('refuses %p', (header, reason) => {
    expect(parseContentRange(header)).toMatch(reason);
  });
});
