/** What the integration global setup provides to the tests of one run (written to runtime.json). */
export interface TestRuntime {
  runId: string;
  dir: string;
  ownerPid: number;
  brokers: string[];
  /** SASL_PLAINTEXT (SCRAM-SHA-512) listener, where ACLs apply. */
  saslBrokers: string[];
  kafkaPid: number;
  kafkaDataDir: string;
  databaseUrl: string;
  redisUrl: string;
}

export const RUNS_DIR_NAME = 'ajx-test-runs';
