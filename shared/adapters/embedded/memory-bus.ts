// Embedded Bus: in-process partitioned logs with consumer groups, honouring the same contract as Kafka,
// with retention by age and size per partition so a long-running process holds a bounded amount.
import type { Batch, Bus, BusRecord, OutgoingRecord, PartitionLag, SubscribeOptions, Subscription, TopicSpec } from '../../ports/bus.ts';
import { DEFAULT_PARTITIONS } from '../../ports/bus.ts';
import { partitionForKey } from '../partitioner.ts';
import { PartitionLog, type Retention } from './partition-log.ts';

interface Member {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  /** topic/partition -> next offset to deliver, for the partitions this member owns. */
  readonly positions: Map<string, number>;
}

interface Group {
  readonly committed: Map<string, number>;
  readonly members: Member[];
}

interface TopicLog {
  readonly partitions: PartitionLog[];
  readonly retention: Retention;
}

export interface MemoryBusOptions {
  /** Default retention of a topic: records older than `ms` or beyond `bytes` per partition are deleted. */
  readonly retention?: Partial<Retention>;
  /** How often retention is enforced on idle topics (it is also enforced on every publish). */
  readonly sweepEveryMs?: number;
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const splitKey = (key: string) => {
  const [topic, partition] = key.split('\u0000') as [string, string];
  return { topic, partition: Number(partition) };
};

const EMBEDDED_RETENTION: Retention = { ms: 60 * 60_000, bytes: 1024 * 1024 * 1024 };

export class MemoryBus implements Bus {
  readonly kind = 'embedded';
  readonly durable = false;
  private readonly topics = new Map<string, TopicLog>();
  private readonly groups = new Map<string, Group>();
  private readonly retention: Retention;
  private readonly sweeper: NodeJS.Timeout;
  private waiters = new Set<() => void>();
  private closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.retention = { ...EMBEDDED_RETENTION, ...options.retention };
    this.sweeper = setInterval(() => this.sweep(), options.sweepEveryMs ?? 30_000);
    this.sweeper.unref();
  }

  async ensureTopic(topic: string, spec: TopicSpec = {}): Promise<void> {
    this.topicLog(topic, spec);
  }

  async deleteTopic(topic: string): Promise<void> {
    if (!this.topics.delete(topic)) return;
    for (const group of this.groups.values()) {
      for (const key of [...group.committed.keys()]) if (splitKey(key).topic === topic) group.committed.delete(key);
      for (const member of group.members) for (const key of [...member.positions.keys()]) if (splitKey(key).topic === topic) member.positions.delete(key);
    }
    this.wake();
  }

  async listTopics(): Promise<string[]> {
    return [...this.topics.keys()].sort();
  }

  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    const log = this.topicLog(topic);
    const now = Date.now();
    const touched = new Set<PartitionLog>();
    for (const record of records) {
      const partition = partitionForKey(record.key, log.partitions.length);
      const target = log.partitions[partition]!;
      target.append({ key: record.key, value: record.value, headers: record.headers ?? {}, topic, partition, offset: target.endOffset, timestamp: now });
      touched.add(target);
    }
    for (const partition of touched) partition.trim(log.retention, now);
    this.wake();
  }

  subscribe(options: SubscribeOptions): Subscription {
    const group = this.group(options.group);
    const member: Member = { topics: options.topics, fromBeginning: options.fromBeginning ?? true, positions: new Map() };
    for (const topic of options.topics) this.topicLog(topic);
    group.members.push(member);
    this.rebalance(group);
    const maxBatch = options.maxBatchSize ?? 500;
    let active = true;
    const bus = this;

    const leave = async () => {
      if (!active) return;
      active = false;
      group.members.splice(group.members.indexOf(member), 1);
      bus.rebalance(group);
      bus.wake();
    };

    async function* batches(): AsyncGenerator<Batch> {
      try {
        while (active && !bus.closed) {
          const batch = bus.nextBatch(group, member, maxBatch);
          if (batch) yield batch;
          else await bus.waitForChange();
        }
      } finally {
        await leave();
      }
    }

    const iterator = batches();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        await leave();
        await iterator.return(undefined);
      },
    };
  }

  async lag(groupName: string, topic: string): Promise<PartitionLag[]> {
    const partitions = this.topics.get(topic)?.partitions ?? [];
    const committed = this.groups.get(groupName)?.committed;
    return partitions.map((log, partition) => {
      // A group behind the retained head, or that never committed, starts from the head (as on Kafka).
      const committedOffset = Math.max(committed?.get(tpKey(topic, partition)) ?? 0, log.logStartOffset);
      return { group: groupName, topic, partition, endOffset: log.endOffset, committedOffset, lag: log.endOffset - committedOffset };
    });
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.wake();
  }

  /** Bytes held per topic, for the memory benchmark and tests. */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.topics].map(([topic, log]) => [topic, log.partitions.reduce((sum, p) => sum + p.size, 0)]));
  }

  private sweep(): void {
    const now = Date.now();
    for (const log of this.topics.values()) for (const partition of log.partitions) partition.trim(log.retention, now);
  }

  private topicLog(topic: string, spec: TopicSpec = {}): TopicLog {
    let log = this.topics.get(topic);
    if (!log) {
      log = {
        partitions: Array.from({ length: spec.partitions ?? DEFAULT_PARTITIONS }, () => new PartitionLog()),
        retention: { ms: spec.retentionMs ?? this.retention.ms, bytes: spec.retentionBytes ?? this.retention.bytes },
      };
      this.topics.set(topic, log);
      for (const group of this.groups.values()) this.rebalance(group);
    }
    return log;
  }

  private group(name: string): Group {
    let group = this.groups.get(name);
    if (!group) {
      group = { committed: new Map(), members: [] };
      this.groups.set(name, group);
    }
    return group;
  }

  /** Round-robin assignment of every subscribed partition; a moved partition restarts at the committed offset. */
  private rebalance(group: Group): void {
    const owners = new Map<string, Member[]>();
    for (const member of group.members) {
      for (const topic of member.topics) {
        const partitions = this.topics.get(topic)?.partitions.length ?? 0;
        for (let p = 0; p < partitions; p++) {
          const key = tpKey(topic, p);
          owners.set(key, [...(owners.get(key) ?? []), member]);
        }
      }
    }
    let turn = 0;
    const assignment = new Map<Member, Set<string>>(group.members.map((m) => [m, new Set()]));
    for (const [key, candidates] of [...owners.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      assignment.get(candidates[turn++ % candidates.length]!)!.add(key);
    }
    for (const [member, keys] of assignment) {
      for (const key of [...member.positions.keys()]) if (!keys.has(key)) member.positions.delete(key);
      for (const key of keys) {
        if (member.positions.has(key)) continue;
        const { topic, partition } = splitKey(key);
        const log = this.topics.get(topic)!.partitions[partition]!;
        member.positions.set(key, group.committed.get(key) ?? (member.fromBeginning ? log.logStartOffset : log.endOffset));
      }
    }
  }

  private nextBatch(group: Group, member: Member, maxBatch: number): Batch | undefined {
    for (const [key, position] of member.positions) {
      const { topic, partition } = splitKey(key);
      const log = this.topics.get(topic)?.partitions[partition];
      if (!log || position >= log.endOffset) continue;
      const records = log.read(position, maxBatch);
      const next = records.at(-1)!.offset + 1;
      // Re-inserting moves this partition to the back, so the other partitions get their turn.
      member.positions.delete(key);
      member.positions.set(key, next);
      return {
        topic,
        partition,
        records,
        commit: async (through?: BusRecord) => {
          // A member that lost the partition in a rebalance may not commit for it (stale generation).
          if (!member.positions.has(key) || !group.members.includes(member)) return;
          const offset = through ? through.offset + 1 : next;
          if ((group.committed.get(key) ?? 0) < offset) group.committed.set(key, offset);
        },
      };
    }
    return undefined;
  }

  private waitForChange(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const resolve of waiters) resolve();
  }
}
