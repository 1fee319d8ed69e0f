import { canonicalEventId } from './event-id';

describe('canonical event id', () => {
  it('is the UUIDv5 of insurer:kind:subject:version in the standard namespace', () => {
    // Value computed independently with the `uuid` package's v5().
    expect(canonicalEventId('PICC', 'policy', 'PICCAZ2023042729', 0)).toBe('0df97d6d-51b8-57a0-b99c-1aeaea54261d');
    expect(canonicalEventId('PICC', 'policy', 'PICCAZ2023042729', 1)).not.toBe('0df97d6d-51b8-57a0-b99c-1aeaea54261d');
  });
});
