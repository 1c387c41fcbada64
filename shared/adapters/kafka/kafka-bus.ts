// Kafka Bus on kafkajs: an idempotent producer keyed by symbol, a consumer per subscription in the
// function's group with manual commits, admin for topics and lag. It only translates the port to Kafka.
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type IHeaders, type KafkaConfig, type Producer, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { RetriableError } from '../../errors.ts';
import { withRetry } from '../../retry.ts';
import type { Batch, Bus, BusHeaders, BusRecord, OutgoingRecord, PartitionLag, SubscribeOptions, Subscription, TopicSpec } from '../../ports/bus.ts';
import { DEFAULT_PARTITIONS } from '../../ports/bus.ts';
import { SubscriptionAwareAssigner } from './assigner.ts';
import { BatchChannel } from './channel.ts';
import { TopicHygiene } from './topic-hygiene.ts';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl?: boolean;
  readonly sasl?: { mechanism: 'scram-sha-256' | 'scram-sha-512' | 'plain'; username: string; password: string };
  readonly logger: Logger;
  /** Retention of topics this bus creates, unless a TopicSpec says otherwise. */
  readonly retentionMs?: number;
  readonly retentionBytes?: number;
}

/** Offsets that a rebalance took away from this member: its records go to the new owner, nothing is lost. */
const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR']);
const HEARTBEAT_MS = 1000;
const ROUTINE_PROTOCOL_ANSWERS = /group is rebalancing|coordinator is loading|coordinator is not available|not the correct coordinator/i;
/** Creating topics and joining groups on a broker that is starting or briefly away: about a minute of tries. */
const STARTUP_RETRY = { retries: 10, minDelayMs: 250, maxDelayMs: 8000 };
/** How often the clients' topic targets are checked against the broker (see topic-hygiene.ts). */
const HYGIENE_EVERY_MS = 10_000;

function decodeHeaders(headers: IHeaders | undefined): BusHeaders {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) decoded[name] = String(Array.isArray(value) ? value[0] : value);
  return decoded;
}

function isUnknownTopic(error: unknown): boolean {
  const seen = error as { type?: string; originalError?: { type?: string }; errors?: { type?: string }[] } | undefined;
  return [seen?.type, seen?.originalError?.type, ...(seen?.errors ?? []).map((e) => e.type)].includes('UNKNOWN_TOPIC_OR_PARTITION');
}

export class KafkaBus implements Bus {
  readonly kind = 'kafka';
  readonly durable = true;
  private readonly kafka: Kafka;
  private readonly options: KafkaBusOptions;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly topics = new Map<string, Promise<void>>();
  private readonly consumers = new Set<Consumer>();
  private connected: Promise<void> | undefined;
  private readonly hygiene: TopicHygiene;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: KafkaBusOptions) {
    this.options = options;
    const log = options.logger.child({ component: 'kafkajs' });
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: [...options.brokers],
      ssl: options.ssl ?? false,
      ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}),
      connectionTimeout: 3000,
      retry: { initialRetryTime: 250, maxRetryTime: 5000, retries: 12 },
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ namespace, level, log: entry }) => {
          const { message, ...extra } = entry;
          // kafkajs logs every answer of a group in rebalance, or of a coordinator still loading, as an
          // error; both are routine (a step's consumer joining or leaving) and kafkajs retries them.
          const routine = ROUTINE_PROTOCOL_ANSWERS.test(String(extra.error ?? ''));
          if (routine) log.debug({ namespace, ...extra }, message);
          else (level <= logLevel.ERROR ? log.error.bind(log) : log.warn.bind(log))({ namespace, ...extra }, message);
        },
    };
    this.kafka = new Kafka(config);
    this.hygiene = new TopicHygiene(this.kafka);
    this.sweeper = setInterval(() => void this.sweepDeletedTopics(), HYGIENE_EVERY_MS);
    this.sweeper.unref();
    // At-least-once with order kept (one request in flight): a retried send may repeat records, which the
    // consumers absorb (upsert by key). kafkajs' idempotent mode would need unbounded retries instead.
    this.producer = this.kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    this.admin = this.kafka.admin();
  }

  private connect(): Promise<void> {
    this.connected ??= Promise.all([this.producer.connect(), this.admin.connect()]).then(
      () => undefined,
      (error) => {
        this.connected = undefined;
        throw new RetriableError(`cannot reach Kafka at ${this.options.brokers.join(',')}: ${(error as Error).message}`, { cause: error });
      },
    );
    return this.connected;
  }

  async ensureTopic(topic: string, spec: TopicSpec = {}): Promise<void> {
    let created = this.topics.get(topic);
    if (!created) {
      this.hygiene.revive(topic);
      const retentionMs = spec.retentionMs ?? this.options.retentionMs;
      const retentionBytes = spec.retentionBytes ?? this.options.retentionBytes;
      const configEntries = [
        ...(retentionMs ? [{ name: 'retention.ms', value: String(retentionMs) }] : []),
        ...(retentionBytes ? [{ name: 'retention.bytes', value: String(retentionBytes) }] : []),
      ];
      created = withRetry(async () => {
        await this.connect();
        // A target another process deleted would fail the admin's metadata refresh: forget those first.
        await this.sweepDeletedTopics();
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic, numPartitions: spec.partitions ?? DEFAULT_PARTITIONS, configEntries }],
        });
        // Metadata reaches every client a moment after the leaders exist.
        await this.admin.fetchTopicMetadata({ topics: [topic] });
      }, STARTUP_RETRY).then(() => undefined);
      this.topics.set(topic, created);
      created.catch(() => this.topics.delete(topic));
    }
    return created;
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.connect();
    this.topics.delete(topic);
    // Marked before it goes, so a lag query arriving meanwhile answers at once instead of putting it back
    // among the admin's targets, which kafkajs' refresh after the deletion would then retry for a minute.
    this.hygiene.markDeleted([topic]);
    try {
      // kafkajs retries a delete of an unknown topic for half a minute: ask first.
      if ((await this.admin.listTopics()).includes(topic)) await this.admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    } catch (error) {
      if (!isUnknownTopic(error)) throw error;
    } finally {
      this.hygiene.forgetDeleted();
    }
  }

  /** Drops topics another process deleted from this bus's clients, before their refreshes start failing. */
  private async sweepDeletedTopics(): Promise<void> {
    if (!this.connected) return;
    this.hygiene.forgetDeleted();
    try {
      const gone = this.hygiene.keepOnly(new Set(await this.admin.listTopics()));
      if (gone.length) this.options.logger.debug({ topics: gone }, 'forgot deleted topics');
    } catch {
      // The broker is away; the next sweep tries again.
    }
  }

  async listTopics(): Promise<string[]> {
    await this.connect();
    return (await this.admin.listTopics()).filter((topic) => !topic.startsWith('__')).sort();
  }

  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (!records.length) return;
    await this.ensureTopic(topic);
    const send = () => this.producer.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value, headers: { ...r.headers } })) });
    try {
      await send();
    } catch (error) {
      if (!isUnknownTopic(error)) throw error;
      // Another process deleted a topic this producer once wrote to: forget it and try again.
      await this.sweepDeletedTopics();
      await send();
    }
  }

  subscribe(options: SubscribeOptions): Subscription {
    const channel = new BatchChannel<Batch>();
    const consumer = this.kafka.consumer({
      groupId: options.group,
      partitionAssigners: [SubscriptionAwareAssigner],
      heartbeatInterval: HEARTBEAT_MS,
      sessionTimeout: 10_000,
      // An idle fetch returns within half a second, so leaving the group (SIGTERM, end of a step) is quick.
      maxWaitTimeInMs: 500,
      rebalanceTimeout: 30_000,
      allowAutoTopicCreation: false,
    });
    this.consumers.add(consumer);
    // kafkajs restarts a crashed consumer by itself; when it gives up, the reader must hear of it.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart)
        channel.fail(new RetriableError(`consumer of ${options.topics.join(',')} in ${options.group} stopped: ${payload.error.message}`, { cause: payload.error }));
    });
    const maxBatch = options.maxBatchSize ?? 500;
    const log = this.options.logger;
    const commit = async (topic: string, partition: number, offset: number) => {
      // A member that left may not commit; as on the embedded bus, its records go to the next member.
      if (channel.isClosed) return;
      try {
        await consumer.commitOffsets([{ topic, partition, offset: String(offset) }]);
      } catch (error) {
        if (!REBALANCE_ERRORS.has((error as { type?: string }).type ?? '')) throw error;
        log.warn({ topic, partition, offset, group: options.group }, 'commit lost to a rebalance; the records will be delivered again');
      }
    };

    const started = (async () => {
      await Promise.all(options.topics.map((t) => this.ensureTopic(t)));
      await withRetry(async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
      }, STARTUP_RETRY);
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          for (let i = 0; i < batch.messages.length; i += maxBatch) {
            if (!isRunning() || isStale() || channel.isClosed) return;
            const chunk = batch.messages.slice(i, i + maxBatch);
            const records: BusRecord[] = chunk.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: Number(m.offset),
              key: m.key?.toString() ?? '',
              value: m.value?.toString() ?? '',
              headers: decodeHeaders(m.headers),
              timestamp: Number(m.timestamp),
            }));
            const done = channel.push({
              topic: batch.topic,
              partition: batch.partition,
              records,
              commit: (through) => commit(batch.topic, batch.partition, (through ?? records.at(-1)!).offset + 1),
            });
            // Keep the membership alive while the reader works on the batch.
            for (let finished = false; !finished; ) {
              finished = await Promise.race([done.then(() => true), sleep(HEARTBEAT_MS).then(() => false)]);
              if (!finished) await heartbeat().catch(() => undefined);
            }
            if (channel.isClosed) return;
            resolveOffset(chunk.at(-1)!.offset);
          }
        },
      });
    })();
    started.catch((error) => {
      log.error({ err: error, group: options.group, topics: options.topics }, 'subscription failed to start');
      channel.fail(error instanceof Error ? error : new Error(String(error)));
    });

    const close = async () => {
      channel.close();
      await started.catch(() => undefined);
      await consumer.disconnect().catch(() => undefined);
      this.consumers.delete(consumer);
    };
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => channel.next(),
        return: async () => {
          await close();
          return { value: undefined, done: true };
        },
      }),
      close,
    };
  }

  async lag(group: string, topic: string): Promise<PartitionLag[]> {
    await this.connect();
    // A topic this bus deleted has no partitions; asking would put it back among the admin's targets.
    if (this.hygiene.isDeleted(topic)) return [];
    let ends: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
    let committed: Awaited<ReturnType<Admin['fetchOffsets']>>;
    try {
      [ends, committed] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId: group, topics: [topic] })]);
    } catch (error) {
      if (!isUnknownTopic(error) && !this.hygiene.isDeleted(topic)) throw error;
      this.hygiene.forget([topic]);
      return [];
    }
    // Deleted while it was asked: the answer put it back among the admin's targets; take it out again.
    if (this.hygiene.isDeleted(topic)) {
      this.hygiene.forgetDeleted();
      return [];
    }
    const byPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    return ends
      .map((end) => {
        const endOffset = Number(end.high);
        const stored = byPartition.get(end.partition) ?? -1;
        // A group that never committed starts from the earliest record still retained.
        const committedOffset = stored >= 0 ? stored : Number(end.low);
        return { group, topic, partition: end.partition, endOffset, committedOffset, lag: Math.max(0, endOffset - committedOffset) };
      })
      .sort((a, b) => a.partition - b.partition);
  }

  /** Fails within 1.5 s while no broker answers, so /readyz turns red promptly and says why. */
  async ping(): Promise<void> {
    const probe = this.connect().then(() => this.admin.describeCluster());
    probe.catch(() => undefined);
    await Promise.race([
      probe,
      sleep(1500).then(() => {
        throw new Error(`no answer from Kafka at ${this.options.brokers.join(',')} within 1.5 s`);
      }),
    ]);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => undefined)));
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]).catch(() => undefined);
  }
}
