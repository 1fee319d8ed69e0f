import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { ConfigValidationError, loadConfig, type CommonConfig } from '@ajx/config';
import { Logger } from 'nestjs-pino';
import { closeConnectionsLeftWithUnreadBodies, hardenResponses, strictExpressAdapter } from './http-hardening';

export interface ServiceDefinition<T extends CommonConfig> {
  name: string;
  schema: new () => T;
  /** Root module built from the validated config. */
  module: (config: T) => object;
  port: (config: T) => number;
  /** The Kafka transport of a hybrid app, if it consumes. */
  transport?: (app: INestApplication, config: T) => CustomTransportStrategy;
  /** false: the app installs its own body parsers in `configure` (e.g. to stream uploads). */
  bodyParser?: boolean;
  /** Extra HTTP setup (OpenAPI, body parsers …). */
  configure?: (app: INestApplication, config: T) => void | Promise<void>;
}

/** Creates, wires and starts a service; used by every app's main.ts and by tests. */
export async function createService<T extends CommonConfig>(
  def: ServiceDefinition<T>,
  config: T,
  opts: { listen?: boolean; logger?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(def.module(config) as never, strictExpressAdapter(), {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: def.bodyParser ?? true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  hardenResponses(app);
  closeConnectionsLeftWithUnreadBodies(app);
  await def.configure?.(app, config);
  if (def.transport) {
    app.connectMicroservice({ strategy: def.transport(app, config) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  if (opts.listen !== false) await app.listen(def.port(config), config.AJX_HTTP_HOST);
  return app;
}

/** Process entry point: validates the environment first and exits with a readable message when it is wrong. */
export function runService<T extends CommonConfig>(def: ServiceDefinition<T>): void {
  let config: T;
  try {
    config = loadConfig(def.schema);
  } catch (err) {
    process.stderr.write(`ajx-${def.name}: ${err instanceof ConfigValidationError ? err.message : String(err)}\n`);
    process.exit(78); // EX_CONFIG
  }
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`ajx-${def.name}: unhandled rejection: ${String(reason)}\n`);
    process.exit(70);
  });
  createService(def, config).then(
    (app) => {
      const logger = app.get(Logger);
      logger.log(`ajx-${def.name} listening on http://${config.AJX_HTTP_HOST}:${def.port(config)}`);
    },
    (err: unknown) => {
      process.stderr.write(`ajx-${def.name}: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
