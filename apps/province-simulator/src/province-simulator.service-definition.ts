import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { InterchangeError } from '@ajx/interchange-protocol';
import type { ServiceDefinition } from '@ajx/platform';
import type { NextFunction, Request, Response } from 'express';
import { ProvinceSimulatorConfig } from './province-simulator.config';
import { ProvinceSimulatorModule } from './province-simulator.module';

const INTERCHANGE_PATH = /^\/v1\/interchange\//;

/** Body-reading failures on the interchange endpoints, answered in the protocol's error format. */
function bodyErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (!INTERCHANGE_PATH.test(req.path)) return next(err);
  const e = err as { type?: string; message?: string };
  const refusal =
    e.type === 'entity.too.large'
      ? new InterchangeError('PAYLOAD_TOO_LARGE', `the body is larger than the limit (${e.message ?? ''}) — split it`)
      : new InterchangeError('MALFORMED_JSON', `the body could not be read: ${e.message ?? String(err)}`);
  res.status(refusal.status).json(refusal.toBody());
}

function configure(app: INestApplication, config: ProvinceSimulatorConfig): void {
  const http = app as NestExpressApplication;
  // The signature covers the exact bytes: interchange bodies are kept raw (a Buffer) and parsed by the protocol
  // library; every other route keeps Nest's JSON parser.
  http.useBodyParser('raw', {
    type: (req: Request) => INTERCHANGE_PATH.test(req.url ?? ''),
    limit: config.AJX_PROVINCE_SIM_MAX_BODY_BYTES,
  });
  http.use(bodyErrorHandler);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setOpenAPIVersion('3.1.0')
      .setTitle('AJX province simulator')
      .setDescription(
        'Stand-in for the provincial 安责险 system: the receiving side of the interchange protocol ' +
          '(docs/interchange.md), plus a control API for tests and demos that answers loopback clients only.',
      )
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', ui: false, raw: ['json'] });
}

export const provinceSimulatorService: ServiceDefinition<ProvinceSimulatorConfig> = {
  name: 'province-simulator',
  schema: ProvinceSimulatorConfig,
  module: (config) => ProvinceSimulatorModule.forRoot(config),
  port: (config) => config.AJX_PROVINCE_SIM_PORT,
  configure,
};
