import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pinoHttp from 'pino-http';
import { credentialParamsOf, redactUrl } from './credential-url';
import { redactRequest } from './logging.module';

describe('credentials in URLs (issue 23: tokens in query strings were logged)', () => {
  it('finds credential-looking parameters, encoded or not', () => {
    expect(credentialParamsOf('/v1/dept/feed?after=x&access_token=abc&%74oken=d')).toEqual(['access_token', 'token']);
    expect(credentialParamsOf('/v1/dept/feed?after=x&limit=2')).toEqual([]);
  });

  it('redacts their values and keeps the rest', () => {
    expect(redactUrl('/v1/x?after=c1&access_token=ajx_d_SECRET&api_key=K&limit=5')).toBe(
      '/v1/x?after=c1&access_token=[REDACTED]&api_key=[REDACTED]&limit=5',
    );
  });

  it('never writes a query token to the request log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pinoHttp({ serializers: { req: redactRequest } }, sink);
    const server = http.createServer((req, res) => {
      log(req, res);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await fetch(`http://127.0.0.1:${port}/v1/dept/feed?access_token=ajx_d_TOPSECRET&after=c`);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const text = lines.join('');
    expect(text).toContain('/v1/dept/feed?access_token=[REDACTED]&after=c');
    expect(text).not.toContain('TOPSECRET');
  });
});
