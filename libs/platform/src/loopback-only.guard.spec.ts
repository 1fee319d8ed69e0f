import { type ExecutionContext, ForbiddenException } from '@nestjs/common';
import { isLoopback, LoopbackOnlyGuard } from './loopback-only.guard';

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:192.168.1.2', false],
    ['1270.0.0.1', false],
    ['fe80::1', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});

describe('LoopbackOnlyGuard', () => {
  const ctx = (remoteAddress: string) =>
    ({
      switchToHttp: () => ({ getRequest: () => ({ socket: { remoteAddress }, path: '/interchange/status' }) }),
    }) as unknown as ExecutionContext;

  it('answers loopback clients and refuses every other with 403', () => {
    const guard = new LoopbackOnlyGuard();
    expect(guard.canActivate(ctx('127.0.0.1'))).toBe(true);
    expect(() => guard.canActivate(ctx('10.1.2.3'))).toThrow(ForbiddenException);
    expect(() => guard.canActivate(ctx('10.1.2.3'))).toThrow('/interchange/status answers loopback clients only');
  });
});
