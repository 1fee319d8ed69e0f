import { CanonicalStoreRepository } from '@ajx/canonical-store';
import { createNormalizer } from '@ajx/domain';
import { createKafkaFromConfig, EventProducer } from '@ajx/messaging';
import { NormalizationPipeline } from '@ajx/normalization';
import type { Kafka } from 'kafkajs';
import type { CliContext } from './cli-context';

export interface CliPipeline {
  kafka: Kafka;
  pipeline: NormalizationPipeline;
}

/** The normalisation pipeline as the normaliser service runs it, for redrive and replay from the command line. */
export async function withPipeline<T>(ctx: CliContext, run: (p: CliPipeline) => Promise<T>): Promise<T> {
  const kafka = createKafkaFromConfig(ctx.config, 'ajx-cli');
  const producer = new EventProducer(kafka, ctx.config.AJX_TOPIC_PREFIX);
  await producer.connect();
  try {
    const pipeline = new NormalizationPipeline(createNormalizer(), new CanonicalStoreRepository(ctx.db), producer);
    return await run({ kafka, pipeline });
  } finally {
    await producer.disconnect();
  }
}
