// The Bus port: keyed, partitioned, durable-per-adapter logs with consumer groups, as Kafka has them.

export interface BusHeaders {
  readonly [name: string]: string;
}

export interface OutgoingRecord {
  readonly key: string;
  readonly value: string;
  readonly headers?: BusHeaders;
}

export interface BusRecord extends OutgoingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly headers: BusHeaders;
  readonly timestamp: number;
}

/**
 * Records of one partition, in offset order. `commit()` marks all of them processed for the group;
 * `commit(record)` marks the records up to and including that one.
 */
export interface Batch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly BusRecord[];
  commit(through?: BusRecord): Promise<void>;
}

export interface SubscribeOptions {
  readonly group: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts. Default: earliest. */
  readonly fromBeginning?: boolean;
  readonly maxBatchSize?: number;
}

/**
 * A group member. Iterating yields batches; records not committed when the member closes
 * (or crashes) are delivered again to the next member of the group.
 */
export interface Subscription extends AsyncIterable<Batch> {
  close(): Promise<void>;
}

export interface TopicSpec {
  readonly partitions?: number;
  /** Records older than this are deleted. */
  readonly retentionMs?: number;
  /** A partition larger than this loses its oldest records. */
  readonly retentionBytes?: number;
}

export interface PartitionLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly endOffset: number;
  readonly committedOffset: number;
  readonly lag: number;
}

export interface Bus {
  /** Adapter name, for logs and /readyz. */
  readonly kind: string;
  /** Whether records survive a restart of the process. */
  readonly durable: boolean;
  ensureTopic(topic: string, spec?: TopicSpec): Promise<void>;
  /** Deletes a topic with its records and every group's offsets on it; a missing topic is no error. */
  deleteTopic(topic: string): Promise<void>;
  listTopics(): Promise<string[]>;
  publish(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Subscription;
  lag(group: string, topic: string): Promise<PartitionLag[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PARTITIONS = 3;
