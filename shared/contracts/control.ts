// queue-control: commands from the orchestrator to the functions, in the seed's exact format.
import { z } from 'zod';
import { dataTypeSchema, timeRangeSchema } from './workflow.ts';

export const CONTROL_TOPIC = 'queue-control';

/**
 * Each function has its own command topic, so a command wakes only the function it targets: KEDA
 * scales on lag per group and topic, and a shared topic would wake every function for every command.
 */
export function controlTopicFor(target: string): string {
  return `${CONTROL_TOPIC}-${target}`;
}

export const controlCommandSchema = z.strictObject({
  command: z.enum(['start', 'stop']),
  queue_id: z.string().regex(/^wf-[a-z0-9_-]+$/, 'must look like wf-<symbol>-<type>-<yyyymmdd>-<suffix>'),
  target: z.string().min(1),
  symbol: z.string().regex(/^[A-Z0-9]{2,20}$/, 'must be an upper-case symbol such as BTCUSDT'),
  type: dataTypeSchema,
  time_range: timeRangeSchema,
  kafka_topic: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a valid topic name'),
  collection_name: z.string().regex(/^[a-z][a-z0-9_]{0,255}$/, 'must be a valid collection name'),
  telemetry_id: z.string().regex(/^[a-z0-9-]+__[a-z0-9]+$/, 'must be <target>__<suffix>'),
  image: z.string().min(1),
  timestamp: z.number().positive(),
});

export type ControlCommand = z.infer<typeof controlCommandSchema>;
