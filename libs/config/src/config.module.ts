import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CommonConfig } from './common.config';
import { loadConfig } from './config.loader';

/**
 * Validates the environment once at start-up and provides the result both under the app's own config
 * class and under CommonConfig, so shared libraries can read the common settings without knowing the app.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot<T extends CommonConfig>(schema: new () => T, env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const config = loadConfig(schema, env);
    return AppConfigModule.forValue(schema, config);
  }

  /** For tests and tools that build the config object themselves. */
  static forValue<T extends CommonConfig>(schema: new () => T, config: T): DynamicModule {
    const providers = [
      { provide: schema, useValue: config },
      ...(schema === (CommonConfig as unknown) ? [] : [{ provide: CommonConfig, useValue: config }]),
    ];
    return { module: AppConfigModule, providers, exports: providers.map((p) => p.provide) };
  }
}
