// cluster/: what the functions stand on: the namespace, a ServiceAccount each, least-privilege RBAC,
// NetworkPolicies, the shared configuration, Kafka (Strimzi) with its topics and SCRAM users whose ACLs
// come from each function's reads and writes in the registry, and ArangoDB (kube-arangodb). The
// operators, Knative and MinIO come from terraform/.
import { controlTopicFor } from '../../shared/contracts/control.ts';
import { modelUpdatesTopic } from '../../shared/contracts/models.ts';
import { signalsTopic } from '../../shared/contracts/signals.ts';
import { eventsTopic } from '../../shared/contracts/events.ts';
import { GROUPS, TARGETS, commandGroupFor } from '../../shared/contracts/names.ts';
import { DEAD_LETTER_TOPIC } from '../../shared/harness/dead-letter.ts';
import { COMMAND_PARTITIONS, FUNCTIONS, type FunctionSpec } from '../registry.ts';
import {
  ARANGO_DEPLOYMENT,
  CONFIG_MAP,
  IMAGE_REGISTRY,
  IMAGE_TAG,
  KAFKA_BOOTSTRAP,
  KAFKA_CLUSTER,
  KEDA_USER,
  MINIO,
  MODELS_BUCKET,
  NAMESPACE,
  PART_OF,
  S3_ENDPOINT,
} from './names.ts';
import { KNATIVE_SOURCE_USER } from './knative.ts';
import { why } from './yaml.ts';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF }, ...extra });
/** The functions that run in the cluster (the simulator is for offline runs). */
export const deployed = () => FUNCTIONS.filter((f) => f.scaling.kind !== 'none');
const DATA_TOPIC_PREFIX = 'wf-';

export function namespace() {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: NAMESPACE,
      labels: {
        'app.kubernetes.io/part-of': PART_OF,
        'pod-security.kubernetes.io/enforce': why('restricted', 'every pod runs non-root, without privileges, with a seccomp profile'),
      },
    },
  };
}

export function serviceAccounts() {
  return deployed().map((spec) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(spec.name), automountServiceAccountToken: spec.name === 'orchestrator' }));
}

/** The orchestrator may create and watch Jobs, and watch pods, in its own namespace: nothing more. */
export function rbac() {
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta('orchestrator-launcher'),
    rules: [
      {
        apiGroups: ['batch'],
        resources: ['jobs'],
        verbs: why(['create', 'get', 'list', 'watch', 'delete'], 'a Job per step in jobs mode, removed when its workflow is cancelled'),
      },
      { apiGroups: [''], resources: ['pods'], verbs: why(['get', 'list', 'watch'], 'a pod that fails (OOMKilled, image pull, crash loop) fails its step at once') },
    ],
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta('orchestrator-launcher'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orchestrator-launcher' },
    subjects: [{ kind: 'ServiceAccount', name: 'orchestrator', namespace: NAMESPACE }],
  };
  return [role, binding];
}

const policy = (name: string, spec: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name), spec });
/** Every function's pods, step functions and HTTP ones (orchestrator, visualizer) alike: what Prometheus scrapes. */
const functionPods = {
  matchLabels: { 'app.kubernetes.io/part-of': PART_OF },
  matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['function', 'api'] }],
};
const inNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });

/** The functions' pods; Kafka and ArangoDB run here too, under the network policies their operators make. */
const platformPods = { matchLabels: { 'app.kubernetes.io/part-of': PART_OF } };

export function networkPolicies() {
  return [
    policy('default-deny', { podSelector: why(platformPods, "the functions only: Strimzi and kube-arangodb manage their own pods' policies"), policyTypes: ['Ingress', 'Egress'] }),
    policy('allow-dns', {
      podSelector: platformPods,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [inNamespace('kube-system')],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    policy('functions-to-kafka-and-stores', {
      podSelector: platformPods,
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { 'strimzi.io/cluster': KAFKA_CLUSTER } } }], ports: [{ port: 9093 }] },
        { to: [{ podSelector: { matchLabels: { arango_deployment: ARANGO_DEPLOYMENT } } }], ports: [{ port: 8529 }] },
        { to: [inNamespace(why(MINIO, 'terraform/ installs MinIO in a namespace of its own'))], ports: [{ port: 9000 }] },
      ],
    }),
    policy('loader-to-exchange', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'loader' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
          ports: [{ protocol: 'TCP', port: why(443, "the exchange's REST API over HTTPS, nothing else outside") }],
        },
      ],
    }),
    policy('loader-ws-to-exchange', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'loader-ws' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
          ports: [
            { protocol: 'TCP', port: why(443, "the exchange's REST API: order-book snapshots and backfill") },
            { protocol: 'TCP', port: why(9443, "the exchange's market streams over WSS, nothing else outside") },
          ],
        },
      ],
    }),
    policy('orchestrator-to-api-server', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orchestrator' } },
      policyTypes: ['Egress'],
      egress: [
        {
          ports: [
            { protocol: 'TCP', port: why(443, 'the Kubernetes API: Jobs and pods') },
            { protocol: 'TCP', port: 6443 },
          ],
        },
      ],
    }),
    policy('orchestrator-from-knative', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orchestrator' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [inNamespace('knative-serving'), inNamespace('knative-eventing')] }],
    }),
    policy('visualizer-from-knative', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'visualizer' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [inNamespace(why('knative-serving', 'pages reach it through Kourier and the activator'))] }],
    }),
    policy('visualizer-to-orchestrator', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'visualizer' } },
      policyTypes: ['Egress'],
      egress: [{ to: [inNamespace(why('knative-serving', "the orchestrator's Knative Service answers through Kourier and the activator"))] }],
    }),
    policy('metrics-from-monitoring', {
      podSelector: why(functionPods, 'the orchestrator and the visualizer too: default-deny would keep Prometheus from their /metrics'),
      policyTypes: ['Ingress'],
      ingress: [{ from: [inNamespace('monitoring')], ports: [{ protocol: 'TCP', port: why(8080, "the functions' service port, where /metrics is") }] }],
    }),
  ];
}

export function configMap() {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(CONFIG_MAP),
    data: {
      BUS: 'kafka',
      KAFKA_BROKERS: KAFKA_BOOTSTRAP,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      STORE: 'arango',
      ARANGO_URL: `https://${ARANGO_DEPLOYMENT}.${NAMESPACE}.svc:8529`,
      OBJECT_STORE: 's3',
      S3_ENDPOINT,
      S3_BUCKET: MODELS_BUCKET,
      BINANCE_REST_URL: 'https://api.binance.com',
      BINANCE_WS_URL: 'wss://stream.binance.com:9443',
      IMAGE_REGISTRY,
      IMAGE_TAG,
      LOG_LEVEL: 'info',
    },
  };
}

/** Brokers and database servers keep their disks and their quorum: never on Spot nodes that vanish. */
const notOnSpot = {
  requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'cloud.google.com/gke-spot', operator: 'NotIn', values: ['true'] }] }] },
};

export function kafka() {
  const nodePool = {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaNodePool',
    metadata: { ...meta('dual-role'), labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      replicas: why(3, 'three brokers: acks=all survives one down'),
      roles: why(['controller', 'broker'], 'KRaft, no ZooKeeper'),
      storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '100Gi', deleteClaim: false, kraftMetadata: 'shared' }] },
      resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
      template: { pod: { affinity: { nodeAffinity: notOnSpot } } },
    },
  };
  const cluster = {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: meta(KAFKA_CLUSTER),
    spec: {
      kafka: {
        listeners: [{ name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: why('scram-sha-512', 'every function has its own user and password') } }],
        authorization: { type: why('simple', 'ACLs per user from the registry') },
        config: {
          'default.replication.factor': 3,
          'min.insync.replicas': why(2, 'acks=all writes survive one broker down'),
          'offsets.topic.replication.factor': 3,
          'transaction.state.log.replication.factor': 3,
          'auto.create.topics.enable': why(false, 'topics are declared (KafkaTopic) or created on purpose (data topics)'),
        },
      },
      entityOperator: { topicOperator: {}, userOperator: {} },
    },
  };
  return [nodePool, cluster];
}

const topic = (name: string, partitions: number, retentionMs: number, reason: string) => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaTopic',
  metadata: { ...meta(name), labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
  spec: { partitions: why(partitions, reason), replicas: 3, config: { 'retention.ms': retentionMs, 'min.insync.replicas': 2 } },
});

/** The long-lived topics; data topics are created per step by the orchestrator and deleted after the workflow. */
export function kafkaTopics() {
  const week = 7 * 86_400_000;
  return [
    ...Object.values(TARGETS).map((target) =>
      topic(controlTopicFor(target).name, COMMAND_PARTITIONS, week, `at most ${COMMAND_PARTITIONS} instances of ${target} share its commands`),
    ),
    topic(eventsTopic.name, 3, week, 'keyed by queue_id: one workflow step stays in order'),
    topic(DEAD_LETTER_TOPIC, 3, 30 * 86_400_000, 'dead letters are kept a month, to be looked at'),
    topic(modelUpdatesTopic.name, 1, week, 'one partition: every follower reads every announcement, in order'),
    topic(signalsTopic.name, 3, week, "keyed by symbol: each symbol's decisions stay in order"),
  ];
}

type Acl = { resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' | 'prefix' }; operations: string[] };

/** A function's ACLs from its reads, writes and groups in the registry; `<queue_id>-data` becomes the wf- prefix. */
function aclsOf(spec: FunctionSpec): Acl[] {
  const topicResource = (name: string) =>
    name.includes('<queue_id>')
      ? { type: 'topic' as const, name: DATA_TOPIC_PREFIX, patternType: 'prefix' as const }
      : { type: 'topic' as const, name, patternType: 'literal' as const };
  const acls: Acl[] = [
    ...spec.reads.map((name) => ({ resource: topicResource(name), operations: ['Read', 'Describe', 'Create'] })),
    ...spec.writes.map((name) => ({ resource: topicResource(name), operations: ['Write', 'Describe', 'Create'] })),
    ...spec.groups.map((name) => ({ resource: { type: 'group' as const, name, patternType: 'literal' as const }, operations: ['Read', 'Describe'] })),
  ];
  if (spec.name === 'orchestrator')
    acls.push(
      { resource: topicResource('<queue_id>-data'), operations: ['Delete', 'Describe'] },
      { resource: { type: 'group', name: GROUPS.persister, patternType: 'literal' }, operations: ['Describe'] },
    );
  return acls;
}

const user = (name: string, acls: Acl[]) => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaUser',
  metadata: { ...meta(name), labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
  spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls } },
});

export function kafkaUsers() {
  const stepTargets = FUNCTIONS.filter((f) => f.target).map((f) => f.target!);
  return [
    ...deployed().map((spec) => user(spec.name, aclsOf(spec))),
    user(KEDA_USER, [
      ...stepTargets.map((t) => ({ resource: { type: 'topic' as const, name: controlTopicFor(t).name, patternType: 'literal' as const }, operations: ['Describe'] })),
      ...stepTargets.map((t) => ({ resource: { type: 'group' as const, name: commandGroupFor(t), patternType: 'literal' as const }, operations: ['Describe'] })),
    ]),
    user(KNATIVE_SOURCE_USER, [
      { resource: { type: 'topic', name: eventsTopic.name, patternType: 'literal' }, operations: ['Read', 'Describe'] },
      { resource: { type: 'group', name: GROUPS.orchestrator, patternType: 'literal' }, operations: ['Read', 'Describe'] },
    ]),
  ];
}

/** What the namespace's restricted pod security asks of every container. */
const arangoSecurity = { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, dropAllCapabilities: true, seccompProfile: { type: 'RuntimeDefault' } };

export function arangodb() {
  return {
    apiVersion: 'database.arangodb.com/v1',
    kind: 'ArangoDeployment',
    metadata: meta(ARANGO_DEPLOYMENT),
    spec: {
      mode: why('Cluster', 'three DB-servers keep every workflow and dataset through the loss of one'),
      environment: 'Production',
      image: why('arangodb/arangodb:3.12.5', 'pinned: the operator would otherwise take :latest'),
      tls: { caSecretName: `${ARANGO_DEPLOYMENT}-ca` },
      bootstrap: { passwordSecretNames: { root: `${ARANGO_DEPLOYMENT}-root` } },
      dbservers: { count: 3, resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } }, nodeAffinity: notOnSpot, securityContext: arangoSecurity },
      coordinators: { count: 2, nodeAffinity: notOnSpot, securityContext: arangoSecurity },
      agents: { count: 3, nodeAffinity: notOnSpot, securityContext: arangoSecurity },
    },
  };
}
