// The ResultsStore contract: every adapter (SQLite embedded, PostgreSQL) must pass these same tests.
// Where the test can look at the database itself (a probe), it also counts rows and applied versions.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../shared/adapters/postgres/migrations.ts';
import type { BacktestRun } from '../../shared/contracts/backtest.ts';
import type { ResultsStore } from '../../shared/ports/results.ts';
import { rowCounts, sampleRun } from '../backtest-runs.ts';

/** Reads the database behind a store without going through it. */
export interface ResultsProbe {
  appliedVersions(): Promise<string[]>;
  /** Rows of `runId` in each results table, keyed by table name. */
  rowCounts(runId: string): Promise<Record<string, number>>;
}

/**
 * `open` gives a store, not yet migrated, on the suite's database: every call the same database where
 * the adapter can share one (a file, a server), a new one where it cannot (':memory:').
 */
export function describeResultsStore(name: string, open: () => Promise<ResultsStore>, probe?: ResultsProbe) {
  describe(`ResultsStore contract: ${name}`, () => {
    let store: ResultsStore;
    let migrated: Promise<void> | undefined;
    const ready = async () => {
      migrated ??= store.migrate();
      await migrated;
      return store;
    };
    const runId = () => `run-${randomUUID()}`;
    const expectRows = async (run: BacktestRun) => {
      if (probe) expect(await probe.rowCounts(run.run_id)).toEqual(rowCounts(run));
    };

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => store?.close());

    // First, while the database is still empty: two migrators race to create the schema.
    it('lets two concurrent migrate() calls on a fresh database both succeed, applying each version once', async () => {
      const [first, second] = await Promise.all([open(), open()]);
      try {
        await Promise.all([first.migrate(), second.migrate(), first.migrate()]);
        const shipped = (await loadMigrations()).map((m) => m.version);
        expect(shipped).toContain('001_backtest_results');
        if (probe) expect((await probe.appliedVersions()).sort()).toEqual(shipped);
        await first.saveRun(sampleRun({ runId: runId() }));
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    it('saves a run and reads back exactly what was saved', async () => {
      const s = await ready();
      const run = sampleRun({ runId: runId(), seed: 2 });
      await s.saveRun(run);
      expect(await s.getRun(run.run_id)).toEqual(run);
      await expectRows(run);
      const lone = sampleRun({ runId: runId(), workflowId: null, results: [['buy_and_hold', 'SOLUSDT']], folds: 1, pointsPerResult: 5 });
      await s.saveRun(lone);
      expect(await s.getRun(lone.run_id)).toEqual(lone);
      expect(await s.getRun('run-that-was-never-saved')).toBeUndefined();
    });

    it('keeps a run with no results, and results with no trades or folds', async () => {
      const s = await ready();
      const empty = { ...sampleRun({ runId: runId() }), results: [] };
      await s.saveRun(empty);
      expect(await s.getRun(empty.run_id)).toEqual(empty);
      const bare = sampleRun({ runId: runId(), results: [['sma_crossover', 'BTCUSDT']] });
      const quiet = { ...bare, results: bare.results.map((r) => ({ ...r, folds: [], trades: [], equity: [] })) };
      await s.saveRun(quiet);
      expect(await s.getRun(quiet.run_id)).toEqual(quiet);
    });

    it('replaces an earlier copy of the same run_id: no rows of the old copy remain', async () => {
      const s = await ready();
      const id = runId();
      const first = sampleRun({ runId: id, seed: 3, pointsPerResult: 300 });
      await s.saveRun(first);
      await expectRows(first);
      const second = sampleRun({ runId: id, seed: 4, pointsPerResult: 80, results: [['ppo', 'ETHUSDT']], createdAt: first.created_at + 1 });
      await s.saveRun(second);
      expect(await s.getRun(id)).toEqual(second);
      await expectRows(second);
      await s.saveRun(second);
      await expectRows(second);
      expect((await s.listRuns({ workflowId: second.workflow_id! })).filter((r) => r.run_id === id)).toHaveLength(1);
    });

    it('lists runs newest first, with their strategies and symbols, filtered by workflow', async () => {
      const s = await ready();
      const workflow = `wf-list-${randomUUID().slice(0, 8)}`;
      const base = Date.UTC(2025, 0, 1);
      const runs = [
        sampleRun({ runId: runId(), workflowId: workflow, createdAt: base + 2_000 }),
        sampleRun({ runId: runId(), workflowId: workflow, createdAt: base, results: [['ppo', 'SOLUSDT']] }),
        sampleRun({ runId: runId(), workflowId: workflow, createdAt: base + 1_000, results: [] }),
      ];
      const elsewhere = sampleRun({ runId: runId(), workflowId: `${workflow}-other`, createdAt: base + 5_000 });
      for (const run of [...runs, elsewhere]) await s.saveRun(run);

      const listed = await s.listRuns({ workflowId: workflow });
      expect(listed.map((r) => r.run_id)).toEqual([runs[0]!.run_id, runs[2]!.run_id, runs[1]!.run_id]);
      expect(listed[0]).toEqual({
        run_id: runs[0]!.run_id,
        workflow_id: workflow,
        created_at: base + 2_000,
        interval: '5m',
        range: runs[0]!.range,
        strategies: ['buy_and_hold', 'sma_crossover', 'ppo'],
        symbols: ['BTCUSDT', 'ETHUSDT'],
      });
      expect(listed[1]).toMatchObject({ strategies: [], symbols: [] });
      expect(listed[2]).toMatchObject({ strategies: ['ppo'], symbols: ['SOLUSDT'] });

      const all = await s.listRuns();
      expect(all.map((r) => r.run_id)).toEqual(expect.arrayContaining([...runs, elsewhere].map((r) => r.run_id)));
      const times = all.map((r) => r.created_at);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(await s.listRuns({ workflowId: 'wf-nobody' })).toEqual([]);
    });

    it('treats migrate() on a migrated database as a no-op that keeps the data', async () => {
      const s = await ready();
      const run = sampleRun({ runId: runId(), seed: 5 });
      await s.saveRun(run);
      const before = probe ? await probe.appliedVersions() : [];
      await s.migrate();
      await s.migrate();
      expect(await s.getRun(run.run_id)).toEqual(run);
      if (probe) expect(await probe.appliedVersions()).toEqual(before);
    });

    it('saves and reads back a run of 100,000 equity points', { timeout: 120_000 }, async () => {
      const s = await ready();
      const run = sampleRun({
        runId: runId(),
        seed: 6,
        pointsPerResult: 50_000,
        folds: 5,
        results: [
          ['buy_and_hold', 'BTCUSDT'],
          ['sma_crossover', 'BTCUSDT'],
        ],
      });
      await s.saveRun(run);
      const back = await s.getRun(run.run_id);
      expect(back?.results.map((r) => r.equity.length)).toEqual([50_000, 50_000]);
      expect(back).toEqual(run);
      await expectRows(run);
    });

    it('leaves the previous copy whole when the database refuses part of a new one', async () => {
      const s = await ready();
      const id = runId();
      const kept = sampleRun({ runId: id, seed: 7 });
      await s.saveRun(kept);
      const spoilt = (change: (trade: BacktestRun['results'][number]['trades'][number]) => object): BacktestRun => {
        const next = sampleRun({ runId: id, seed: 8, createdAt: kept.created_at + 60_000 });
        const [first, second, ...rest] = next.results;
        const trades = second!.trades.map((t, i) => (i === 1 ? { ...t, ...change(t) } : t));
        return { ...next, results: [first!, { ...second!, trades }, ...rest] };
      };
      // NOT NULL refuses a NaN price, CHECK (quantity > 0) a negative quantity, the primary key a strategy and symbol listed twice.
      await expect(s.saveRun(spoilt(() => ({ price: Number.NaN })))).rejects.toThrow();
      await expect(s.saveRun(spoilt((t) => ({ quantity: -t.quantity })))).rejects.toThrow();
      const doubled = sampleRun({ runId: id, seed: 9 });
      const [head, ...tail] = doubled.results;
      await expect(s.saveRun({ ...doubled, results: [head!, { ...head!, strategy: 'ppo' }, { ...head!, strategy: 'ppo' }, ...tail] })).rejects.toThrow();
      expect(await s.getRun(id)).toEqual(kept);
      await expectRows(kept);
      expect((await s.listRuns({ workflowId: kept.workflow_id! })).find((r) => r.run_id === id)?.created_at).toBe(kept.created_at);
    });

    it('lets two writers of one run_id take turns: one whole copy remains', async () => {
      const s = await ready();
      const other = await open();
      try {
        await other.migrate();
        const id = runId();
        const a = sampleRun({ runId: id, seed: 10, pointsPerResult: 2_000 });
        const b = sampleRun({ runId: id, seed: 11, pointsPerResult: 1_000, results: [['ppo', 'SOLUSDT']] });
        await Promise.all([s.saveRun(a), other.saveRun(b), s.saveRun(b), other.saveRun(a)]);
        const back = await s.getRun(id);
        expect([a, b]).toContainEqual(back);
        await expectRows(back!);
      } finally {
        await other.close();
      }
    });

    it('answers ping while open', async () => {
      await expect((await ready()).ping()).resolves.toBeUndefined();
    });
  });
}
