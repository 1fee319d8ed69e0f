import { IsInt, Max, Min } from 'class-validator';
import { CommonConfig } from './common.config';
import { ConfigValidationError, loadConfig } from './config.loader';

class ServiceConfig extends CommonConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  AJX_TEST_PORT: number = 3000;
}

describe('loadConfig', () => {
  it('applies defaults and converts numbers and lists from strings', () => {
    const c = loadConfig(ServiceConfig, { AJX_TEST_PORT: '4100', AJX_KAFKA_BROKERS: 'a:9092, b:9093' });
    expect(c.AJX_TEST_PORT).toBe(4100);
    expect(c.AJX_KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(c.AJX_DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/ajx');
    expect(c.AJX_DATABASE_POOL_SIZE).toBe(10);
  });

  it('reports every invalid variable at once without echoing values', () => {
    const secret = 'mysql://user:s3cret@host/db';
    let error: unknown;
    try {
      loadConfig(ServiceConfig, { AJX_TEST_PORT: 'x', AJX_DATABASE_URL: secret, AJX_LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toContain('AJX_TEST_PORT');
    expect(message).toContain('AJX_DATABASE_URL must be a postgres:// URL');
    expect(message).toContain('AJX_LOG_LEVEL');
    expect(message).not.toContain('s3cret');
  });

  it('ignores empty variables (they mean "use the default")', () => {
    expect(loadConfig(ServiceConfig, { AJX_TEST_PORT: '' }).AJX_TEST_PORT).toBe(3000);
  });
});
