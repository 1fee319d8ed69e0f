/** A dependency the process needs before it can do useful work (Kafka, PostgreSQL, Redis …). */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects with a short reason otherwise. */
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Rejects with a timeout error when the check hangs (a stuck broker must not hang the probe). */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
