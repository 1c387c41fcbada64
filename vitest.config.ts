import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['functions/**/*.test.ts', 'shared/**/*.test.ts', 'platform/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/kafka/**', 'test/k8s/**', 'test/keda/**', 'test/minio/**', 'test/postgres/**', 'test/prometheus/**', '**/node_modules/**'],
        },
      },
      {
        // Against a real broker that the global setup starts: one file at a time, they share it.
        extends: true,
        test: {
          name: 'kafka',
          include: ['test/kafka/**/*.test.ts'],
          globalSetup: ['test/kafka/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
        },
      },
      {
        // Against a real MinIO server that the global setup starts (the S3 object store, the model registry).
        extends: true,
        test: {
          name: 'minio',
          include: ['test/minio/**/*.test.ts'],
          globalSetup: ['test/minio/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 1_800_000,
        },
      },
      {
        // Against a real PostgreSQL that the global setup starts (the backtest results store); a database per file.
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/postgres/**/*.test.ts'],
          globalSetup: ['test/postgres/global-setup.ts'],
          testTimeout: 120_000,
        },
      },
      {
        // Against a real Prometheus that the global setup starts (file_sd, a scrape a second): one file at a
        // time, they share its targets file. The configuration check builds Prometheus once (a few minutes).
        extends: true,
        test: {
          name: 'prometheus',
          include: ['test/prometheus/**/*.test.ts'],
          globalSetup: ['test/prometheus/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 1_800_000,
        },
      },
      {
        // Against a real kube-apiserver (etcd, controllers, the platform's CRDs) that the global setup starts.
        extends: true,
        test: {
          name: 'k8s',
          include: ['test/k8s/**/*.test.ts'],
          globalSetup: ['test/k8s/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 3_600_000,
        },
      },
      {
        // The real KEDA operator on the local control plane, with the process node (`streamforge cluster up`).
        extends: true,
        test: {
          name: 'keda',
          include: ['test/keda/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 3_600_000,
        },
      },
    ],
  },
});
