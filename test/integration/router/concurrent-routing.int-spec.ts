import { DeptProjectionWriter, type RoutedWrite, StaleRoutingError, type ViewChange } from '@ajx/dept-store';
import { TestHub } from '../support/hub';

/*
 * Found by the chaos suite (docs/reliability.md): two handlers of the same canonical messages — a router killed while
 * its last transaction was still committing and its successor, or a partition handed back to a member whose handler
 * was still retrying — both planned from a `route_records` snapshot taken before either committed, and both wrote:
 * the departments' feeds got the entries twice. The routed versions are now recorded first in the transaction and
 * only if no one recorded them meanwhile; the writer that comes second writes nothing and plans again.
 */
describe('two writers routing the same versions', () => {
  const hub = new TestHub('concroute', { services: [] });
  let writer: DeptProjectionWriter;

  beforeAll(async () => {
    await hub.start();
    writer = new DeptProjectionWriter(hub.db);
  });
  afterAll(() => hub.stop());

  const change = (subject: string, version: number, departmentId: string): ViewChange => ({
    departmentId,
    entry: version === 1 ? 'new' : 'updated',
    urgent: false,
    kind: 'hazard',
    insurer: 'PICC',
    subject,
    version,
    eventId: `00000000-0000-5000-8000-${String(version).padStart(12, '0')}`,
    data: { hazardId: subject, version },
    action: version === 1 ? 'reported' : 'updated',
    uscc: '91330114932995319A',
    region: '330114',
    sector: 'city_gas',
    status: 'open',
    level: 'general',
    businessTime: '2025-03-01T10:00:00+08:00',
    acceptedAt: new Date(),
  });
  const routed = (subject: string, version: number): RoutedWrite => ({
    kind: 'hazard',
    insurer: 'PICC',
    subject,
    version,
    eventId: `00000000-0000-5000-8000-${String(version).padStart(12, '0')}`,
  });
  const feed = async (subject: string) =>
    (
      await hub.db.query<{ department_id: string; version: number }[]>(
        `SELECT department_id, version FROM dept_feed WHERE subject = $1 ORDER BY department_id, seq`,
        [subject],
      )
    ).map((r) => `${r.department_id}:${r.version}`);

  it('applies a plan once when it is applied again from the same snapshot', async () => {
    const plan = [change('CR1', 1, 'cr-a'), change('CR1', 1, 'cr-b')];
    await writer.apply(plan, [routed('CR1', 1)]);
    await expect(writer.apply(plan, [routed('CR1', 1)])).rejects.toBeInstanceOf(StaleRoutingError);
    expect(await feed('CR1')).toEqual(['cr-a:1', 'cr-b:1']);
  });

  it('lets one of two concurrent writers through', async () => {
    const plan = [change('CR2', 1, 'cr-a'), change('CR2', 2, 'cr-a')];
    const results = await Promise.allSettled([
      writer.apply(plan, [routed('CR2', 1), routed('CR2', 2)]),
      writer.apply(plan, [routed('CR2', 1), routed('CR2', 2)]),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await feed('CR2')).toEqual(['cr-a:1', 'cr-a:2']);
  });

  it('still applies newer versions and corrections', async () => {
    await writer.apply([change('CR1', 2, 'cr-a')], [routed('CR1', 2)]);
    await writer.apply(
      [{ ...change('CR1', 2, 'cr-a'), entry: 'corrected' }],
      [{ ...routed('CR1', 2), correction: true }],
    );
    expect(await feed('CR1')).toEqual(['cr-a:1', 'cr-a:2', 'cr-a:2', 'cr-b:1']);
  });
});
