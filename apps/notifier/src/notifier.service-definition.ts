import type { ServiceDefinition } from '@ajx/platform';
import { NotifierConfig } from './notifier.config';
import { NotifierModule } from './notifier.module';

export const notifierService: ServiceDefinition<NotifierConfig> = {
  name: 'notifier',
  schema: NotifierConfig,
  module: (config) => NotifierModule.forRoot(config),
  port: (config) => config.AJX_NOTIFIER_PORT,
};
