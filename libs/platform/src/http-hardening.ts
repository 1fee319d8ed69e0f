import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';

/**
 * The Express instance of every service: routes match exactly as declared — case-sensitive and strict about trailing
 * slashes — so that no spelling of a path (`/V1/…`, `/v1/…/`) reaches a handler by another route than its own, and
 * no `X-Powered-By`. Settings must be in place before anything touches the router, hence an instance of our own.
 */
export function strictExpressAdapter(): ExpressAdapter {
  const instance = express();
  instance.set('case sensitive routing', true);
  instance.set('strict routing', true);
  instance.disable('x-powered-by');
  // The adapter's constructor already mounts middleware, which creates the router: the settings come first.
  return new ExpressAdapter(instance);
}

/**
 * An answer sent before the request's body was read (a refusal by the guard, a route that does not exist) closes
 * the connection: the unread rest of the body must not be taken for the next request on a kept-alive connection.
 */
export function closeConnectionsLeftWithUnreadBodies(app: INestApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody) {
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
      (res as unknown as { writeHead: (...args: unknown[]) => Response }).writeHead = (...args: unknown[]) => {
        if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
        return writeHead(...args);
      };
    }
    next();
  });
}

/**
 * Paths of the third-party UIs the gateway serves: the OpenAPI UI (swagger-ui) and the operators' BullMQ dashboard
 * (Bull Board, which also sets a `<base href>`). They need inline styles; everything else gets the strict policy.
 */
const DOCS_PREFIX = /^\/docs(\/|-json$|$)/;
const QUEUES_PREFIX = /^\/v1\/admin\/queues(\/|$)/;

/**
 * Response headers of every answer: a strict Content-Security-Policy (same-origin scripts, styles, images, fonts and
 * connections, nothing framed or framing — ready for the console), `X-Content-Type-Options: nosniff`, and
 * `Cache-Control: no-store`, because API answers carry records and personal data that no browser or proxy cache may
 * keep. The OpenAPI UI and the BullMQ dashboard get the same with inline styles allowed (the dashboard also its own
 * `<base>`); external fonts they ask for stay blocked (the machines are offline).
 */
export function hardenResponses(app: INestApplication): void {
  const strict = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
  });
  const docs = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'frame-ancestors': ["'none'"],
      },
    },
  });
  const queues = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    (DOCS_PREFIX.test(req.path) ? docs : QUEUES_PREFIX.test(req.path) ? queues : strict)(req, res, next);
  });
}
