import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, WebhookHeaders } from '@ajx/webhooks';

/** A delivered feed entry, as far as the oracle checks it. */
export interface DeliveredEntry {
  entry: string;
  kind: string;
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
}

/** What one department's endpoint received. */
export interface ReceivedFeed {
  /** Feed sequence → the distinct delivery ids that carried it (one, if the hub delivered it once). */
  bySeq: Map<number, Set<string>>;
  /** What each delivery id carried (the entry as the receiver read it): checked against the oracle. */
  byDelivery: Map<string, DeliveredEntry>;
  /** Requests in all (retries of a delivery repeat its id). */
  requests: number;
  badSignatures: number;
}

/**
 * The departments' webhook endpoints: one HTTP server, a path per department, every request's signature checked
 * against that department's secret over the raw body before it is parsed (a bad one answers 401 and is counted).
 */
export class WebhookReceiver {
  readonly received = new Map<string, ReceivedFeed>();
  private server!: http.Server;
  private port = 0;

  constructor(private readonly secrets: Map<string, string>) {
    for (const dept of secrets.keys())
      this.received.set(dept, { bySeq: new Map(), byDelivery: new Map(), requests: 0, badSignatures: 0 });
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const dept = decodeURIComponent((req.url ?? '').replace(/^\/hook\//, ''));
        const feed = this.received.get(dept);
        const secret = this.secrets.get(dept);
        if (!feed || !secret) {
          res.writeHead(404).end();
          return;
        }
        feed.requests++;
        const raw = Buffer.concat(chunks);
        const check = verifyWebhookSignature(
          secret,
          {
            timestamp: req.headers[WebhookHeaders.timestamp] as string | undefined,
            signature: req.headers[WebhookHeaders.signature] as string | undefined,
          },
          raw,
        );
        if (!check.ok) {
          feed.badSignatures++;
          res.writeHead(401).end();
          return;
        }
        const body = JSON.parse(raw.toString('utf8')) as {
          deliveryId: string;
          entry: DeliveredEntry & { seq: number };
        };
        const id = req.headers[WebhookHeaders.id] as string;
        if (id !== body.deliveryId) {
          feed.badSignatures++;
          res.writeHead(400).end();
          return;
        }
        const seq = Number(body.entry.seq);
        const ids = feed.bySeq.get(seq) ?? new Set<string>();
        ids.add(id);
        feed.bySeq.set(seq, ids);
        const { entry, kind, insurer, subject, version, eventId } = body.entry;
        feed.byDelivery.set(id, { entry, kind, insurer, subject, version: Number(version), eventId });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  urlFor(dept: string): string {
    return `http://127.0.0.1:${this.port}/hook/${encodeURIComponent(dept)}`;
  }

  total(): number {
    let n = 0;
    for (const f of this.received.values()) n += f.bySeq.size;
    return n;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
