import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { VIEW_SCHEMAS } from '@ajx/authz';
import type { ServiceDefinition } from '@ajx/platform';
import { GatewayConfig, trustProxySetting } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { ApiValidationPipe } from './http/api-validation.pipe';
import { serveConsole } from './http/console-static';
import { refuseNulInUrl } from './http/nul-guard';

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
  // Behind the reverse proxy, req.ip is the client's address from X-Forwarded-For, counted from the trusted hops only.
  (app.getHttpAdapter().getInstance() as import('express').Express).set(
    'trust proxy',
    trustProxySetting(config.AJX_TRUST_PROXY),
  );
  const server = app.getHttpServer() as import('node:http').Server;
  server.requestTimeout = config.AJX_HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(60_000, config.AJX_HTTP_REQUEST_TIMEOUT_MS);
  // No body is read here: JSON bodies are parsed after authentication (JsonBodyInterceptor), the rest by handlers.
  app.use(refuseNulInUrl);
  serveConsole(app, config.AJX_CONSOLE_DIR);
  app.useGlobalPipes(new ApiValidationPipe());
  if (config.AJX_OPENAPI_DOCS === 'true')
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
