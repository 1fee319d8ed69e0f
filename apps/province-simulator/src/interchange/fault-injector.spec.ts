import { FaultInjector } from './fault-injector';

describe('FaultInjector', () => {
  it('injects nothing in mode none', () => {
    expect(new FaultInjector().draw()).toBeNull();
  });

  it('draws with the given probability and fills in the mode defaults', () => {
    const f = new FaultInjector();
    const rolls = [0.1, 0.5, 0.29];
    f.random = () => rolls.shift()!;
    expect(f.set({ mode: 'timeout', probability: 0.3 })).toEqual({
      mode: 'timeout',
      probability: 0.3,
      delayMs: 30000,
      statusCode: 503,
      remaining: null,
      injected: 0,
    });
    expect(f.draw()).toMatchObject({ mode: 'timeout' });
    expect(f.draw()).toBeNull();
    expect(f.draw()).toMatchObject({ mode: 'timeout' });
    expect(f.state().injected).toBe(2);
  });

  it('stops after the remaining count and falls back to none', () => {
    const f = new FaultInjector();
    f.set({ mode: 'error', statusCode: 500, remaining: 2 });
    expect(f.draw()).toMatchObject({ mode: 'error', statusCode: 500 });
    expect(f.draw()).toMatchObject({ mode: 'error' });
    expect(f.draw()).toBeNull();
    expect(f.state()).toMatchObject({ mode: 'none', remaining: 0, injected: 2 });
  });

  it('lets a held request go at shutdown', async () => {
    const f = new FaultInjector();
    const held = f.hold(600_000);
    f.onModuleDestroy();
    await expect(held).resolves.toBeUndefined();
  });
});
