// Embedded Bus: in-process partitioned logs with consumer groups, honouring the same contract as Kafka.
import type {
  Batch,
  Bus,
  BusRecord,
  OutgoingRecord,
  PartitionLag,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '../../ports/bus.ts';
import { DEFAULT_PARTITIONS } from '../../ports/bus.ts';
import { partitionForKey } from '../partitioner.ts';

interface Member {
  readonly id: number;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  /** topic/partition -> next offset to deliver, for the partitions this member owns. */
  readonly positions: Map<string, number>;
}

interface Group {
  readonly committed: Map<string, number>;
  readonly members: Member[];
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class MemoryBus implements Bus {
  readonly kind = 'embedded';
  readonly durable = false;
  private readonly topics = new Map<string, BusRecord[][]>();
  private readonly groups = new Map<string, Group>();
  private waiters = new Set<() => void>();
  private nextMemberId = 1;
  private closed = false;

  async ensureTopic(topic: string, spec: TopicSpec = {}): Promise<void> {
    this.topicLogs(topic, spec.partitions);
  }

  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    const logs = this.topicLogs(topic);
    const now = Date.now();
    for (const record of records) {
      const partition = partitionForKey(record.key, logs.length);
      const log = logs[partition]!;
      log.push({ ...record, headers: record.headers ?? {}, topic, partition, offset: log.length, timestamp: now });
    }
    this.wake();
  }

  subscribe(options: SubscribeOptions): Subscription {
    const group = this.group(options.group);
    const member: Member = {
      id: this.nextMemberId++,
      topics: options.topics,
      fromBeginning: options.fromBeginning ?? true,
      positions: new Map(),
    };
    for (const topic of options.topics) this.topicLogs(topic);
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
    const logs = this.topics.get(topic) ?? [];
    const committed = this.groups.get(groupName)?.committed;
    return logs.map((log, partition) => {
      const committedOffset = committed?.get(tpKey(topic, partition)) ?? 0;
      return { group: groupName, topic, partition, endOffset: log.length, committedOffset, lag: log.length - committedOffset };
    });
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }

  private topicLogs(topic: string, partitions = DEFAULT_PARTITIONS): BusRecord[][] {
    let logs = this.topics.get(topic);
    if (!logs) {
      logs = Array.from({ length: partitions }, () => []);
      this.topics.set(topic, logs);
      for (const group of this.groups.values()) this.rebalance(group);
    }
    return logs;
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
        const partitions = this.topics.get(topic)?.length ?? 0;
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
        const [topic, partition] = key.split('\u0000') as [string, string];
        const end = this.topics.get(topic)![Number(partition)]!.length;
        member.positions.set(key, group.committed.get(key) ?? (member.fromBeginning ? 0 : end));
      }
    }
  }

  private nextBatch(group: Group, member: Member, maxBatch: number): Batch | undefined {
    for (const [key, position] of member.positions) {
      const [topic, partitionText] = key.split('\u0000') as [string, string];
      const partition = Number(partitionText);
      const log = this.topics.get(topic)![partition]!;
      if (position >= log.length) continue;
      const records = log.slice(position, position + maxBatch);
      const next = position + records.length;
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
