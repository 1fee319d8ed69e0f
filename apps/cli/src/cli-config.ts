import { CommonConfig, ConfigValidationError, loadConfig } from '@ajx/config';
import { CliError, EXIT } from './cli-error';

/** The CLI reads the same AJX_* environment as the services. */
export function cliConfig<T extends CommonConfig>(schema: new () => T = CommonConfig as new () => T): T {
  try {
    return loadConfig(schema);
  } catch (err) {
    if (err instanceof ConfigValidationError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
}
