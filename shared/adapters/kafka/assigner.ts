// Round-robin partition assignment that respects each member's own subscription. kafkajs' built-in
// assigner spreads every topic over every member, which breaks a group whose members read different
// topics (the persister's steps share arango-connector-group, each on its own data topic).
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

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
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
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
