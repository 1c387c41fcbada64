// Names the manifests share: the namespace, the Kafka cluster and its users, the configuration, images.
import type { FunctionSpec } from '../registry.ts';

export const NAMESPACE = 'streamforge';
export const CONFIG_MAP = 'streamforge-config';
export const KAFKA_CLUSTER = 'streamforge';
/** Strimzi's TLS listener with SCRAM-SHA-512 authentication. */
export const KAFKA_BOOTSTRAP = `${KAFKA_CLUSTER}-kafka-bootstrap.${NAMESPACE}.svc:9093`;
export const KAFKA_CA_SECRET = `${KAFKA_CLUSTER}-cluster-ca-cert`;
/** The Kafka user KEDA reads offsets and lag as. */
export const KEDA_USER = 'keda-scaler';
export const ARANGO_DEPLOYMENT = 'streamforge-db';
export const MINIO = 'minio';
/** MinIO's S3 endpoint (terraform/ installs it in a namespace of its own) and the registry's bucket there. */
export const S3_ENDPOINT = `http://${MINIO}.${MINIO}.svc:9000`;
export const MODELS_BUCKET = 'models';
/** The registry's MinIO user (accessKeyId, secretAccessKey), made from terraform's outputs (README, deploy). */
export const S3_SECRET = 'streamforge-s3';
/** The results database's connection URL (PostgreSQL), key `url`: the backtester writes its runs there. */
export const RESULTS_SECRET = 'results-database';
export const IMAGE_REGISTRY = 'streamforge';
export const IMAGE_TAG = '0.1.0';
export const PART_OF = 'streamforge';

/** Every function's image is built by the one Dockerfile with --build-arg FUNCTION=<name>. */
export const imageOf = (spec: FunctionSpec) => `${IMAGE_REGISTRY}/${spec.name}:${IMAGE_TAG}`;

export const labelsOf = (spec: FunctionSpec) => ({
  'app.kubernetes.io/name': spec.name,
  'app.kubernetes.io/part-of': PART_OF,
  'app.kubernetes.io/component': spec.scaling.kind === 'service' ? 'api' : 'function',
  // The orchestrator tells which function a failing pod belongs to by this.
  ...(spec.target ? { 'streamforge.io/target': spec.target } : {}),
});
