// The Store contract: every adapter (sqlite, ArangoDB) must pass these same tests.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../shared/ports/store.ts';

/** `makeStore` opens the store; `openAgain` opens a second, independent instance on the same data (another process). */
export function storeContract(name: string, makeStore: () => Promise<Store>, openAgain: () => Promise<Store>) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => store.close());
    const fresh = () => `c_${randomUUID().slice(0, 8)}`;

    it('upserts by key: a second write replaces, never duplicates', async () => {
      const c = fresh();
      expect(
        await store.upsert(c, [
          { _key: '1', v: 1 },
          { _key: '2', v: 2 },
        ]),
      ).toEqual({ inserted: 2, updated: 0 });
      expect(
        await store.upsert(c, [
          { _key: '2', v: 20 },
          { _key: '3', v: 3 },
        ]),
      ).toEqual({ inserted: 1, updated: 1 });
      expect(await store.count(c)).toBe(3);
      expect(await store.get(c, '2')).toMatchObject({ _key: '2', v: 20 });
      expect(await store.get(c, 'missing')).toBeUndefined();
      expect(await store.listCollections()).toContain(c);
    });

    it('answers half-open range queries in order, with filters and limits', async () => {
      const c = fresh();
      await store.upsert(
        c,
        Array.from({ length: 20 }, (_, i) => ({ _key: String(i), t: 1000 + i * 10, side: i % 2 === 0 ? 'buy' : 'sell' })),
      );
      const range = await store.query(c, { field: 't', from: 1050, to: 1100 });
      expect(range.map((d) => d.t)).toEqual([1050, 1060, 1070, 1080, 1090]);
      const desc = await store.query(c, { field: 't', order: 'desc', limit: 3 });
      expect(desc.map((d) => d.t)).toEqual([1190, 1180, 1170]);
      const buys = await store.query(c, { field: 't', from: 1000, to: 1060, where: { side: 'buy' } });
      expect(buys.map((d) => d._key)).toEqual(['0', '2', '4']);
      expect(await store.count(c, { field: 't', from: 1000, to: 1100 })).toBe(10);
    });

    it('removes documents', async () => {
      const c = fresh();
      await store.upsert(c, [{ _key: 'a' }]);
      expect(await store.remove(c, 'a')).toBe(true);
      expect(await store.remove(c, 'a')).toBe(false);
      expect(await store.count(c)).toBe(0);
    });

    it('keeps edge collections queryable by either end', async () => {
      const c = fresh();
      await store.ensureCollection(c, 'edge');
      await store.upsert(c, [
        { _key: 'e1', _from: 'symbols/BTCUSDT', _to: 'symbols/ETHUSDT', weight: 0.8 },
        { _key: 'e2', _from: 'symbols/BTCUSDT', _to: 'symbols/SOLUSDT', weight: 0.6 },
        { _key: 'e3', _from: 'symbols/ETHUSDT', _to: 'symbols/SOLUSDT', weight: 0.7 },
      ]);
      expect((await store.edges(c, 'symbols/BTCUSDT', 'out')).map((e) => e._key).sort()).toEqual(['e1', 'e2']);
      expect((await store.edges(c, 'symbols/SOLUSDT', 'in')).map((e) => e._key).sort()).toEqual(['e2', 'e3']);
    });

    it('declares a named graph over a vertex and an edge collection, idempotently', async () => {
      const vertices = fresh();
      const edges = fresh();
      const graph = { name: `${vertices}_graph`, vertices, edges };
      await store.ensureGraph(graph);
      await store.ensureGraph(graph);
      expect((await store.graphs()).filter((g) => g.name === graph.name)).toEqual([graph]);
      expect(await store.listCollections()).toEqual(expect.arrayContaining([vertices, edges]));
      await store.upsert(vertices, [{ _key: '0_BTCUSDT' }, { _key: '0_ETHUSDT' }]);
      await store.upsert(edges, [{ _key: '0_BTCUSDT_ETHUSDT', _from: `${vertices}/0_BTCUSDT`, _to: `${vertices}/0_ETHUSDT`, weight: 0.7 }]);
      expect((await store.edges(edges, `${vertices}/0_ETHUSDT`, 'in')).map((e) => e.weight)).toEqual([0.7]);
    });

    it('pages in a stable order with a cursor: records sharing a time come once each, ordered by the tiebreak', async () => {
      const c = fresh();
      // 30 trades over 10 milliseconds: three share each time; ids are not in time order of insertion.
      const docs = Array.from({ length: 30 }, (_, i) => ({ _key: String(100 - i), time: 1000 + Math.floor(i / 3), id: 100 - i }));
      await store.upsert(c, docs);
      const seen: number[] = [];
      let after: { value: number; tiebreak: number } | undefined;
      for (let page = 0; page < 20; page++) {
        const got = await store.query<{ _key: string; time: number; id: number }>(c, {
          field: 'time',
          tiebreak: 'id',
          from: 1000,
          to: 1010,
          limit: 4,
          ...(after ? { after } : {}),
        });
        seen.push(...got.map((d) => d.id));
        if (got.length < 4) break;
        after = { value: got.at(-1)!.time, tiebreak: got.at(-1)!.id };
      }
      const expected = [...docs].sort((a, b) => a.time - b.time || a.id - b.id).map((d) => d.id);
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(30);
      const desc = await store.query<{ _key: string; id: number }>(c, { field: 'time', tiebreak: 'id', order: 'desc', limit: 3, after: { value: 1009, tiebreak: 72 } });
      expect(desc.map((d) => d.id)).toEqual([71, 76, 75]);
    });

    it('inserts only into a free key: of concurrent claims across instances exactly one wins, and the winner stays', async () => {
      const c = fresh();
      const other = await openAgain();
      try {
        const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : other).insert(c, { _key: 'claimed', by: i })));
        expect(claims.filter(Boolean)).toHaveLength(1);
        const winner = claims.indexOf(true);
        expect(await store.get(c, 'claimed')).toEqual({ _key: 'claimed', by: winner });
        expect(await other.get(c, 'claimed')).toEqual({ _key: 'claimed', by: winner });
        expect(await store.insert(c, { _key: 'free', by: 'a' })).toBe(true);
        expect(await store.count(c)).toBe(2);
      } finally {
        await other.close();
      }
    });

    it('sees what another instance on the same data created and wrote', async () => {
      const c = fresh();
      const other = await openAgain();
      try {
        expect(await other.get(c, 'x')).toBeUndefined(); // asked before the collection exists
        await store.upsert(c, [
          { _key: 'x', t: 1 },
          { _key: 'y', t: 2 },
        ]);
        expect(await other.get(c, 'x')).toEqual({ _key: 'x', t: 1 });
        expect(await other.count(c)).toBe(2);
        expect((await other.query(c, { field: 't' })).map((d) => d._key)).toEqual(['x', 'y']);
        expect(await other.listCollections()).toContain(c);
        expect(await other.remove(c, 'y')).toBe(true);
        expect(await store.count(c)).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('reads nothing from a collection that does not exist', async () => {
      const c = fresh();
      expect(await store.query(c, { field: 't' })).toEqual([]);
      expect(await store.count(c)).toBe(0);
    });
  });
}
