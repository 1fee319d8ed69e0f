import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import { VIEW_SCHEMAS } from '@ajx/authz';
import type { ServiceDefinition } from '@ajx/platform';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { apiError } from './http/api-error';
import { refuseNulInBody, refuseNulInUrl } from './http/nul-guard';

/**
 * Bodies read by their handlers, never parsed here: uploads (streamed to disk), register submissions (streamed NDJSON)
 * and signed interchange requests (the signature covers the bytes as received).
 */
const RAW_BODY_ROUTES = [
  /^\/v1\/ingest\/[^/]+\/files\/?$/,
  /^\/v1\/ingest\/uploads\/[^/]+\/?$/,
  /^\/v1\/interchange\/register\/?$/,
  /^\/v1\/dept\/register\/?$/,
  /^\/v1\/interchange\/reconciliation\/[^/]+\/?$/,
];

export function openApiDocument(app: INestApplication) {
  const config = new DocumentBuilder()
    .setTitle('AJX Hub gateway')
    .setDescription('安责险数据交换枢纽 — ingest, batch reports, department API, interchange, register, administration')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'a credential token (ajx_…)' })
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-AJX-Signature',
        description: 'interchange request signature with X-AJX-Key-Id and X-AJX-Timestamp (docs/interchange.md)',
      },
      'ajxSignature',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Department views are documented by their JSON Schemas (draft 2020-12, hence OpenAPI 3.1).
  document.openapi = '3.1.0';
  const schemas = (document.components ??= {}).schemas ?? (document.components.schemas = {});
  for (const [kind, schema] of Object.entries(VIEW_SCHEMAS)) {
    const { $schema: _s, $id: _i, ...body } = schema;
    schemas[`${kind[0].toUpperCase()}${kind.slice(1)}View`] = body;
  }
  return document;
}

export function configureGateway(app: INestApplication, config: GatewayConfig): void {
  const server = app.getHttpServer() as import('node:http').Server;
  server.requestTimeout = config.AJX_HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(60_000, config.AJX_HTTP_REQUEST_TIMEOUT_MS);
  const jsonBody = json({ limit: '1mb' });
  app.use(refuseNulInUrl);
  app.use((req: Request, res: Response, next: NextFunction) =>
    RAW_BODY_ROUTES.some((r) => r.test(req.path)) ? next() : jsonBody(req, res, next),
  );
  app.use(refuseNulInBody);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) =>
        apiError(
          400,
          'INVALID_REQUEST',
          'the request body is invalid',
          errors.flatMap((e) =>
            Object.values(e.constraints ?? {}).concat(e.children?.length ? [`${e.property}: invalid`] : []),
          ),
        ),
    }),
  );
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}

export const gatewayService: ServiceDefinition<GatewayConfig> = {
  name: 'gateway',
  schema: GatewayConfig,
  module: (config) => GatewayModule.forRoot(config),
  port: (config) => config.AJX_GATEWAY_PORT,
  bodyParser: false,
  configure: (app, config) => configureGateway(app, config),
};
