import { fromFile, Parser } from '@asyncapi/parser';
import { join } from 'node:path';
import { CanonicalHeaders, DlqHeaders, RawHeaders } from './messages';
import { Topics } from './topics/topics';

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3 document describing the hub topics', async () => {
    const parser = new Parser();
    const { document, diagnostics } = await fromFile(parser, join(__dirname, '../../../docs/asyncapi.yaml')).parse();
    const errors = diagnostics.filter((d) => Number(d.severity) === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses).toEqual([
      `${Topics.rawPrefix}{insurer}`,
      Topics.canonical,
      Topics.dlq,
      Topics.findings,
      `${Topics.adapterStatePrefix}{insurer}`,
    ]);
    const text = JSON.stringify(document!.json());
    for (const h of [RawHeaders, CanonicalHeaders, DlqHeaders].flatMap((g) => Object.values(g)))
      expect(text).toContain(h);
  });
});
