import { Topics } from '@ajx/contracts';
import { SupervisorConfig } from './supervisor.config';

/** The supervisor's own consumer group on the canonical topic, and that topic (prefix included). */
export function supervisorConsumer(config: SupervisorConfig): { groupId: string; topic: string } {
  return { groupId: `${config.AJX_TOPIC_PREFIX}ajx.supervisor`, topic: config.AJX_TOPIC_PREFIX + Topics.canonical };
}
