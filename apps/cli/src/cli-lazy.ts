import type { CliContext } from './cli-context';

/*
 * Command modules are loaded for every `ajx` invocation, so they must not pull in TypeORM, pg and the services
 * at import time; these wrappers load the context on first use.
 */
export async function withContext<T>(run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const { withContext: load } = await import('./cli-context');
  return load(run);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
