import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { CommonConfig } from '@ajx/config';
import { LoggerModule } from 'nestjs-pino';
import { isCredentialParam, redactUrl } from './credential-url';

interface SerializedRequest {
  url?: unknown;
  query?: unknown;
  [key: string]: unknown;
}

/** The request as logged: credential-looking query parameters (refused by the API) never appear as given. */
export function redactRequest(req: SerializedRequest): SerializedRequest {
  const out = { ...req };
  if (typeof req.url === 'string') out.url = redactUrl(req.url);
  if (req.query && typeof req.query === 'object') {
    out.query = Object.fromEntries(
      Object.entries(req.query as Record<string, unknown>).map(([k, v]) => [
        k,
        isCredentialParam(k) ? '[REDACTED]' : v,
      ]),
    );
  }
  return out;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const QUIET_PATHS = /^\/(health|metrics)(\/|$)/;

/** A caller's X-Request-Id is kept when it is well-formed; otherwise a new one is made. */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** JSON logs on stdout with the service name and a request id on every HTTP log line. */
@Module({})
export class LoggingModule {
  static forService(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [CommonConfig],
          useFactory: (config: CommonConfig) => ({
            pinoHttp: {
              level: config.AJX_LOG_LEVEL,
              base: { service },
              genReqId: requestIdOf,
              customAttributeKeys: { reqId: 'requestId' },
              redact: [
                'req.headers.authorization',
                'req.headers.cookie',
                'req.headers["x-ajx-signature"]',
                'res.headers["set-cookie"]',
              ],
              // A credential in a query string (refused by the API) is never logged as given.
              serializers: { req: redactRequest },
              autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.test(req.url ?? '') },
            },
          }),
        }),
      ],
    };
  }
}
