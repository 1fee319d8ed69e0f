import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { CommonConfig } from '@ajx/config';
import { LoggerModule } from 'nestjs-pino';

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
              redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-ajx-signature"]'],
              autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.test(req.url ?? '') },
            },
          }),
        }),
      ],
    };
  }
}
