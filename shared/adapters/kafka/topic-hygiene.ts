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

export class TopicHygiene {
  /** Weakly held: a consumer's cluster goes when the consumer does. */
  private readonly clusters = new Set<WeakRef<ClusterTargets>>();

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
