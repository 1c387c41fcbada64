// kafkajs keeps every topic a client ever touched in its cluster's `targetTopics` and asks the broker
// for all of them on each metadata refresh. Once one of them is deleted every refresh fails with
// UNKNOWN_TOPIC_OR_PARTITION, and so does every send and admin call of that client, on any topic
// (kafkajs issues #1622 and #651, open in 2.2.4). The platform deletes the data topics of ended
// workflows, so each KafkaBus keeps hold of its clients' clusters and drops deleted topics from them.
import type { Kafka } from 'kafkajs';

interface ClusterTargets {
  targetTopics: Set<string>;
}

const CREATE_CLUSTER = 'private:Kafka:createCluster';

/** Topics remembered as deleted by this bus (oldest forgotten first): plenty for a day of workflows. */
const REMEMBERED_DELETIONS = 10_000;

export class TopicHygiene {
  /** Weakly held: a consumer's cluster goes when the consumer does. */
  private readonly clusters = new Set<WeakRef<ClusterTargets>>();
  /**
   * Topics this bus deleted. A call already under way when a topic goes (a lag query, say) puts it back
   * among its client's targets when it returns; remembering the deletion lets the next call take it out
   * again before it asks the broker, instead of failing on it for a minute of retries.
   */
  private readonly deleted = new Set<string>();

  /** Wraps the client's cluster factory so every producer, consumer and admin it makes is known here. */
  constructor(kafka: Kafka) {
    const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
    if (!symbol) throw new Error(`kafkajs changed: no ${CREATE_CLUSTER} on the client; check the deleted-topic workaround`);
    const holder = kafka as unknown as Record<symbol, (...args: unknown[]) => ClusterTargets>;
    const create = holder[symbol]!;
    holder[symbol] = (...args) => {
      const cluster = create(...args);
      this.clusters.add(new WeakRef(cluster));
      return cluster;
    };
  }

  /** Topics this bus has just deleted: forgotten now, and again whenever a late call brings them back. */
  markDeleted(topics: Iterable<string>): void {
    for (const topic of topics) {
      this.deleted.delete(topic);
      this.deleted.add(topic);
    }
    for (const topic of this.deleted) {
      if (this.deleted.size <= REMEMBERED_DELETIONS) break;
      this.deleted.delete(topic);
    }
    this.forget(this.deleted);
  }

  /** A topic created again under a deleted one's name is a target like any other. */
  revive(topic: string): void {
    this.deleted.delete(topic);
  }

  isDeleted(topic: string): boolean {
    return this.deleted.has(topic);
  }

  /** Takes every topic this bus deleted out of its clients' targets again (cheap: a set per client). */
  forgetDeleted(): void {
    this.forget(this.deleted);
  }

  /** Forget topics that no longer exist, in every client of this bus. */
  forget(topics: Iterable<string>): void {
    const gone = [...topics];
    for (const cluster of this.live()) for (const topic of gone) cluster.targetTopics.delete(topic);
  }

  /** Forget every target that is not among the topics the broker has now; returns what was forgotten. */
  keepOnly(existing: ReadonlySet<string>): string[] {
    const gone = new Set<string>();
    for (const cluster of this.live()) for (const topic of cluster.targetTopics) if (!existing.has(topic)) gone.add(topic);
    this.forget(gone);
    return [...gone];
  }

  private *live(): Generator<ClusterTargets> {
    for (const ref of this.clusters) {
      const cluster = ref.deref();
      if (cluster) yield cluster;
      else this.clusters.delete(ref);
    }
  }
}
