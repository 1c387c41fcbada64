// Round-robin partition assignment that respects each member's own subscription. kafkajs' built-in
// assigner spreads every topic over every member, which breaks a group whose members read different
// topics (the persister's steps share arango-connector-group, each on its own data topic; the visualizer
// reads every live data topic in visualizer-group).
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

type Cluster = Parameters<PartitionAssigner>[0]['cluster'];
/** kafkajs' Cluster#metadata, which its typings leave out. */
interface Describing {
  metadata(options: { topics: string[] }): Promise<{ topicMetadata: { topic: string; partitionMetadata: { partitionId: number }[] }[] }>;
}

/**
 * The leader knows the partitions of its own topics only: kafkajs refreshes the metadata of the topics a
 * client reads. Another member's topic is asked for on its own (not added to this client's targets, so a
 * deleted topic is not refreshed for ever); one that cannot be described gets no partitions this round.
 */
async function partitionsOf(cluster: Cluster, topic: string): Promise<{ partitionId: number }[]> {
  const known = cluster.findTopicPartitionMetadata(topic);
  if (known.length) return known;
  try {
    const { topicMetadata } = await (cluster as unknown as Describing).metadata({ topics: [topic] });
    return topicMetadata.find((t) => t.topic === topic)?.partitionMetadata ?? [];
  } catch {
    return [];
  }
}

export const SubscriptionAwareAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'SubscriptionAwareRoundRobin',
  version: 0,
  async assign({ members }) {
    const subscribers = new Map<string, string[]>();
    for (const member of members) {
      const { topics } = AssignerProtocol.MemberMetadata.decode(member.memberMetadata) ?? { topics: [] };
      for (const topic of topics) subscribers.set(topic, [...(subscribers.get(topic) ?? []), member.memberId]);
    }
    const assignment = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
    let turn = 0;
    for (const [topic, memberIds] of [...subscribers.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...memberIds].sort();
      for (const { partitionId } of await partitionsOf(cluster, topic)) {
        const owner = assignment.get(sorted[turn++ % sorted.length]!)!;
        (owner[topic] ??= []).push(partitionId);
      }
    }
    return [...assignment.entries()].map(([memberId, topics]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: topics, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'SubscriptionAwareRoundRobin', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});
