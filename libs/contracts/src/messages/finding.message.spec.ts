import { decodeFindingMessage, encodeFindingMessage, type FindingMessage } from './finding.message';

const finding: FindingMessage = {
  findingId: '3f1c2b8e-4a5d-5e6f-8a7b-9c0d1e2f3a4b',
  version: 3,
  change: 'confirmed',
  at: '2026-12-07T08:00:00.000Z',
  rule: 'PARTIAL_HEADCOUNT',
  key: 'PICC/PICCAZ2026000001',
  severity: 'violation',
  insurer: 'PICC',
  uscc: '91370811MA2B0X2K4D',
  regionCode: '370811',
  sector: 'hazardous_chemicals',
  facts: { insured: 40, employees: 52, missing: 12 },
  message: '保单 PICCAZ2026000001 参保人数 40 人,少于从业人员 52 人(缺 12 人)',
  state: 'open',
  openedAt: '2026-12-06T10:00:00.000Z',
  resolvedAt: null,
  evaluatedOn: '2026-12-07',
  review: { decision: 'confirmed', reason: '核实属实', by: 'jn-rencheng-emergency', at: '2026-12-07T08:00:00.000Z' },
};

describe('finding message', () => {
  it('round-trips, keyed by the finding id', () => {
    const encoded = encodeFindingMessage(finding);
    expect(encoded.key).toBe(finding.findingId);
    expect(decodeFindingMessage({ value: Buffer.from(encoded.value as string), headers: {} })).toEqual(finding);
  });

  it.each([
    ['findingId', 'x', 'findingId: a UUID'],
    ['version', 0, 'version: a positive integer'],
    ['change', 'deleted', 'change: opened'],
    ['regionCode', '37', 'regionCode: six digits'],
    ['facts', [], 'facts: an object'],
    ['insurer', 5, 'insurer: a string or null'],
  ])('names a wrong %s', (field, value, message) => {
    const bad = JSON.stringify({ ...finding, [field]: value });
    expect(() => decodeFindingMessage({ value: bad, headers: {} })).toThrow(message);
  });
});
