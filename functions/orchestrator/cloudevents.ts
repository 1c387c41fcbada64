// queue-events delivered over HTTP as CloudEvents (a Knative KafkaSource to POST /events), so the
// orchestrator need not stay up to consume them. The sink contract: 2xx only once the event is applied,
// the same event (source + id) applied once however often it comes, 400 for what can never be handled,
// 5xx to have it delivered again.
import type { Context } from 'hono';
import { z } from 'zod';
import { type QueueEvent, queueEventSchema } from '../../shared/contracts/events.ts';
import { describeInvalid, errorMessage } from '../../shared/errors.ts';
import { httpError } from '../../shared/http/errors.ts';

export interface ReceivedEvent {
  /** source + id: what makes a CloudEvent the same event. */
  readonly key: string;
  readonly event: QueueEvent;
}

const attributesSchema = z.object({
  specversion: z.literal('1.0', { error: 'must be 1.0' }),
  id: z.string().min(1, 'must not be empty'),
  source: z.string().min(1, 'must not be empty'),
  type: z.string().min(1, 'must not be empty'),
});

function invalid(message: string, field: string): never {
  throw httpError(400, `${field}: ${message}`, { field });
}

/** Reads a CloudEvent in binary mode (ce-* headers, the data as the body) or structured mode (application/cloudevents+json). */
export async function receiveCloudEvent(c: Context): Promise<ReceivedEvent> {
  const type = c.req.header('content-type') ?? '';
  let attributes: Record<string, unknown>;
  let data: unknown;
  const text = await c.req.text();
  if (type.startsWith('application/cloudevents+json')) {
    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      invalid(`must be a JSON CloudEvent (${errorMessage(error)})`, 'body');
    }
    attributes = envelope;
    data = envelope.data ?? (typeof envelope.data_base64 === 'string' ? JSON.parse(Buffer.from(envelope.data_base64, 'base64').toString()) : undefined);
  } else {
    attributes = { specversion: c.req.header('ce-specversion'), id: c.req.header('ce-id'), source: c.req.header('ce-source'), type: c.req.header('ce-type') };
    try {
      data = JSON.parse(text);
    } catch (error) {
      invalid(`must be the queue-events record as JSON (${errorMessage(error)})`, 'data');
    }
  }
  const parsedAttributes = attributesSchema.safeParse(attributes);
  if (!parsedAttributes.success) {
    const issue = parsedAttributes.error.issues[0]!;
    invalid(issue.message, `ce-${issue.path.join('.')}`);
  }
  const parsed = queueEventSchema.safeParse(data);
  if (!parsed.success) invalid(describeInvalid(parsed.error), 'data');
  return { key: `${parsedAttributes.data.source}#${parsedAttributes.data.id}`, event: parsed.data };
}
