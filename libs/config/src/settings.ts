import { IsInt, Matches, Max, Min, ValidateBy } from 'class-validator';

/**
 * Setting validators more than one service declares, so that each is defined once. Each applies its constraints in
 * the order the same decorators would be written above the property (validation reports them the same way).
 */
function all(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const d of decorators) d(target, key);
  };
}

/** An integer setting of at least `min` (and at most `max`). */
export const IntSetting = (min: number, max?: number): PropertyDecorator =>
  max === undefined ? all(Min(min), IsInt()) : all(Max(max), Min(min), IsInt());

/** A TCP port, 0–65535. */
export const IsPort = (): PropertyDecorator => IntSetting(0, 65535);

/** The deployment's rule pack, `<id>@<version>` of a built-in pack (default@2, jining@2; default@1, jining@1 for v1). */
export const IsRulePackSpec = (): PropertyDecorator =>
  Matches(/^[a-z][a-z0-9_-]*@\d+$/, { message: 'AJX_RULE_PACK must be <id>@<version>, e.g. default@2' });

/**
 * AJX_RULE_PACK_FILE, checked when the configuration is loaded so that a bad pack stops the process at start-up:
 * `load` reads and validates the file (it throws naming every problem; the message is that error). Empty passes.
 */
export const IsRulePackFile = (load: (file: string) => unknown): PropertyDecorator => {
  const problem = (value: unknown): string | undefined => {
    if (typeof value !== 'string' || value === '') return undefined;
    try {
      load(value);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
  return ValidateBy({
    name: 'rulePackFile',
    validator: {
      validate: (value) => problem(value) === undefined,
      defaultMessage: (args) => problem(args?.value) ?? 'AJX_RULE_PACK_FILE is not a valid rule pack',
    },
  });
};

/** This hub deployment's name in the interchange protocol (`sender` of batches, pull pages and manifests). */
export const IsInterchangeSender = (): PropertyDecorator =>
  Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    message: 'AJX_INTERCHANGE_SENDER must be lower-case letters, digits, ".", "_" or "-" (1–64)',
  });
