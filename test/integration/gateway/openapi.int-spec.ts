import fs from 'node:fs';
import path from 'node:path';
import { TestHub } from '../support/hub';

/*
 * docs/openapi/gateway.json is the gateway's OpenAPI document as served at /docs-json. This test fails when they
 * differ; `npm run openapi:update` rewrites the file.
 */
const FILE = path.resolve(__dirname, '../../../docs/openapi/gateway.json');

describe('OpenAPI document of the gateway', () => {
  const hub = new TestHub('openapi', { services: ['gateway'] });
  beforeAll(() => hub.start());
  afterAll(() => hub.stop());

  it('matches docs/openapi/gateway.json', async () => {
    const served = (await (await fetch(`${hub.url()}/docs-json`)).json()) as Record<string, unknown>;
    const text = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.AJX_WRITE_OPENAPI === '1') fs.writeFileSync(FILE, text);
    expect(fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : '(missing)').toBe(text);
    expect(served.openapi).toBe('3.1.0');
  });
});
