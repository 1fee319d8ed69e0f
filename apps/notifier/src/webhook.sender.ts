import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import {
  checkResolvedAddress,
  checkWebhookUrl,
  WebhookHeaders,
  type WebhookUrlPolicy,
  webhookSignature,
} from '@ajx/webhooks';

export type SendResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export interface WebhookRequest {
  url: string;
  secret: string;
  deliveryId: string;
  body: string;
  timeoutMs: number;
  policy: WebhookUrlPolicy;
  /** CAs trusted for https (AJX_WEBHOOK_CA_FILE with node's roots); node's roots when absent. */
  ca?: string[];
}

/**
 * One signed POST to a department's endpoint. A 2xx answer within the timeout is success; anything else (other
 * status, redirect, timeout, connection error, a host resolving to a forbidden address) is a failed attempt. The
 * host is resolved and checked before connecting, and the connection goes to the checked address.
 */
@Injectable()
export class WebhookSender {
  send(r: WebhookRequest): Promise<SendResult> {
    const checked = checkWebhookUrl(r.url, r.policy);
    if (!checked.ok) return Promise.resolve({ ok: false, status: null, error: `refused: ${checked.reason}` });
    const url = checked.url;
    const timestamp = Math.floor(Date.now() / 1000);
    const lookup: LookupFunction = (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
        if (err) return callback(err, '', 4);
        const list = addresses;
        for (const a of list) {
          const problem = checkResolvedAddress(a.address, r.policy);
          if (problem) return callback(new Error(`refused: ${hostname} ${problem}`), '', 4);
        }
        if ((options as { all?: boolean }).all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
        return callback(null, list[0].address, list[0].family);
      });
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const done = (result: SendResult) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      const req = client.request(
        url,
        {
          method: 'POST',
          lookup,
          ...(url.protocol === 'https:' && r.ca ? { ca: r.ca } : {}),
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(r.body),
            'user-agent': 'ajx-hub-notifier/1',
            [WebhookHeaders.id]: r.deliveryId,
            [WebhookHeaders.timestamp]: String(timestamp),
            [WebhookHeaders.signature]: webhookSignature(r.secret, timestamp, r.body),
          },
          timeout: r.timeoutMs,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          // The answer's body is not needed and never stored; drain it so the socket is released.
          res.resume();
          res.on('end', () =>
            done(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `HTTP ${status}` }),
          );
          res.on('error', (err) => done({ ok: false, status, error: err.message }));
        },
      );
      const timer = setTimeout(() => {
        done({ ok: false, status: null, error: `no answer within ${r.timeoutMs} ms` });
        req.destroy();
      }, r.timeoutMs);
      req.on('timeout', () => {
        done({ ok: false, status: null, error: `no answer within ${r.timeoutMs} ms` });
        req.destroy();
      });
      req.on('error', (err) => done({ ok: false, status: null, error: err.message }));
      req.on('close', () => clearTimeout(timer));
      // Nothing is written before the address actually connected to is checked: an address literal is connected
      // without a lookup, and whatever the resolver said, the socket's peer is what counts.
      req.on('socket', (socket) => {
        const verify = () => {
          const problem = socket.remoteAddress ? checkResolvedAddress(socket.remoteAddress, r.policy) : null;
          if (problem) {
            done({ ok: false, status: null, error: `refused: ${url.hostname} ${problem}` });
            req.destroy();
          } else req.end(r.body);
        };
        if (socket.remoteAddress) verify();
        else socket.once('connect', verify);
      });
    });
  }
}
