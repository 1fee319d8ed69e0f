import { CANONICAL_EVENT_TYPES } from '@ajx/contracts';
import { kindOfEventType } from './canonical-event';

describe('kindOfEventType', () => {
  it('names the kind of every canonical event type, data standard v1 and v2', () => {
    for (const type of CANONICAL_EVENT_TYPES) expect(kindOfEventType(type)).toBe(type.split('.')[1]);
    expect(kindOfEventType('ajx.accident.closed')).toBe('accident');
    expect(kindOfEventType('ajx.claim.withdrawn')).toBe('claim');
  });

  it('is null for anything else', () => {
    for (const type of ['ajx.finding.raised', 'ajx.policy', 'policy.issued', 'ajx.Policy.issued', ''])
      expect(kindOfEventType(type)).toBeNull();
  });
});
