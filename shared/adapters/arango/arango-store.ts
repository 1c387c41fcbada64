// ArangoDB Store: one collection per port collection, AQL range queries, persistent indexes created on first use.
// Behaves like the embedded sqlite store; both run the same contract suite.
import { Database } from 'arangojs';
import { isArangoError } from 'arangojs/errors';
import type { Doc, GraphDefinition, Keyed, RangeQuery, Store, UpsertResult } from '../../ports/store.ts';

export interface ArangoStoreOptions {
  readonly url: string;
  readonly database: string;
  readonly username?: string;
  readonly password?: string;
}

// The sqlite store's patterns, so a name valid for one adapter is valid for the other.
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// ArangoDB error numbers (errorNum), stable across server versions.
const COLLECTION_NOT_FOUND = 1203;
const DUPLICATE_NAME = 1207;
const GRAPH_DUPLICATE = 1925;
const BATCH = 1000;
// Already covered by the primary and edge indexes; a persistent index on them would only cost writes.
const SYSTEM = new Set(['_key', '_id', '_rev', '_from', '_to']);
// _id and _rev are server-made; dropping them returns exactly what was stored, as sqlite does.
const STRIP = `UNSET(d, '_id', '_rev')`;
/** ArangoDB's error number for a document whose _key is already taken. */
const UNIQUE_CONSTRAINT_VIOLATED = 1210;
const UPSERT = `FOR doc IN @docs INSERT doc INTO @@c OPTIONS { overwriteMode: 'replace' } RETURN OLD == null`;

type Filter = Omit<RangeQuery, 'limit'>;
type Bind = Record<string, unknown>;

function checkName(name: string, what: string, pattern: RegExp): string {
  if (!pattern.test(name)) throw new Error(`invalid ${what} name "${name}"`);
  return name;
}

function checkCollection(name: string): string {
  checkName(name, 'collection', NAME);
  // The server refuses a leading underscore (system collections); say why here instead of a bare "illegal name".
  if (name.startsWith('_')) throw new Error(`invalid collection name "${name}": ArangoDB reserves a leading underscore for system collections`);
  return name;
}

const isError = (error: unknown, errorNum: number) => isArangoError(error) && error.errorNum === errorNum;

export class ArangoStore implements Store {
  readonly kind = 'arango';
  private readonly db: Database;
  private readonly known = new Set<string>();
  private readonly indexed = new Set<string>();

  constructor(options: ArangoStoreOptions) {
    this.db = new Database({
      url: options.url,
      databaseName: options.database,
      auth: { username: options.username ?? 'root', password: options.password ?? '' },
    });
  }

  /** Opens the store, creating its database first if the server does not have it yet. */
  static async connect(options: ArangoStoreOptions): Promise<ArangoStore> {
    const store = new ArangoStore(options);
    try {
      if (!(await store.db.exists())) {
        try {
          await store.db.database('_system').createDatabase(options.database);
        } catch (error) {
          // Another instance starting at the same time may have created it first.
          if (!isError(error, DUPLICATE_NAME)) throw error;
        }
      }
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async ensureCollection(name: string, kind: 'document' | 'edge' = 'document'): Promise<void> {
    checkCollection(name);
    if (this.known.has(name)) return;
    try {
      if (kind === 'edge') await this.db.createEdgeCollection(name);
      else await this.db.createCollection(name);
    } catch (error) {
      // Creating and catching the conflict is race-free across processes; like sqlite, an existing collection keeps its kind.
      if (!isError(error, DUPLICATE_NAME)) throw error;
    }
    this.known.add(name);
  }

  async ensureGraph(graph: GraphDefinition): Promise<void> {
    checkCollection(graph.name);
    await this.ensureCollection(graph.vertices);
    await this.ensureCollection(graph.edges, 'edge');
    try {
      await this.db.graph(graph.name).create([{ collection: graph.edges, from: [graph.vertices], to: [graph.vertices] }]);
    } catch (error) {
      if (!isError(error, GRAPH_DUPLICATE)) throw error;
    }
  }

  async graphs(): Promise<GraphDefinition[]> {
    const described = await this.db.listGraphs();
    return described.flatMap((g) => g.edgeDefinitions.map((d) => ({ name: g.name, vertices: d.from[0] ?? '', edges: d.collection }))).sort((a, b) => a.name.localeCompare(b.name));
  }

  async listCollections(): Promise<string[]> {
    return (await this.db.listCollections()).map((c) => c.name).sort();
  }

  async upsert<T extends Keyed>(collection: string, docs: readonly T[]): Promise<UpsertResult> {
    await this.ensureCollection(collection);
    const batches: T[][] = [];
    for (let i = 0; i < docs.length; i += BATCH) batches.push(docs.slice(i, i + BATCH));
    const write = (batch: T[]) => this.db.query<boolean>(UPSERT, { '@c': collection, docs: batch });
    const fresh: boolean[] = [];
    // One AQL query is already all-or-nothing; several batches share a stream transaction so a failure
    // leaves nothing half-written, as sqlite's single transaction does.
    if (batches.length === 1) fresh.push(...(await (await write(batches[0]!)).all()));
    else if (batches.length > 1) {
      await this.db.withTransaction({ write: [collection] }, async (step) => {
        for (const batch of batches) fresh.push(...(await (await step(() => write(batch))).all()));
      });
    }
    const inserted = fresh.filter(Boolean).length;
    return { inserted, updated: fresh.length - inserted };
  }

  async insert<T extends Keyed>(collection: string, doc: T): Promise<boolean> {
    await this.ensureCollection(collection);
    try {
      await this.db.collection(collection).save(doc, { overwriteMode: 'conflict' });
      return true;
    } catch (error) {
      if (isArangoError(error) && error.errorNum === UNIQUE_CONSTRAINT_VIOLATED) return false;
      throw error;
    }
  }

  async get<T extends Keyed = Doc>(collection: string, key: string): Promise<T | undefined> {
    const [doc] = await this.read(collection, [], () => this.all<T>(`FOR d IN @@c FILTER d._key == @key LIMIT 1 RETURN ${STRIP}`, { '@c': collection, key }));
    return doc;
  }

  async remove(collection: string, key: string): Promise<boolean> {
    const removed = await this.read(collection, [], () => this.all<number>('FOR d IN @@c FILTER d._key == @key REMOVE d IN @@c RETURN 1', { '@c': collection, key }));
    return removed.length > 0;
  }

  async query<T extends Keyed = Doc>(collection: string, query: RangeQuery): Promise<T[]> {
    return this.read(collection, [], async () => {
      const bind: Bind = { '@c': collection };
      const filter = await this.filter(collection, query, bind);
      bind.field = query.field;
      const order = query.order === 'desc' ? 'DESC' : 'ASC';
      if (query.limit !== undefined) bind.limit = Math.max(0, Math.floor(query.limit));
      const limit = query.limit === undefined ? '' : ' LIMIT @limit';
      const tiebreak = query.tiebreak ? `d[@tiebreak] ${order}, ` : '';
      if (query.tiebreak) bind.tiebreak = checkName(query.tiebreak, 'field', FIELD);
      return this.all<T>(`FOR d IN @@c${filter} SORT d[@field] ${order}, ${tiebreak}d._key ${order}${limit} RETURN ${STRIP}`, bind);
    });
  }

  async count(collection: string, query?: Filter): Promise<number> {
    return this.read(collection, 0, async () => {
      const bind: Bind = { '@c': collection };
      const filter = query ? await this.filter(collection, query, bind) : '';
      const [n] = await this.all<number>(`FOR d IN @@c${filter} COLLECT WITH COUNT INTO n RETURN n`, bind);
      return n ?? 0;
    });
  }

  async edges<T extends Keyed = Doc>(collection: string, vertex: string, direction: 'out' | 'in'): Promise<T[]> {
    const field = direction === 'out' ? '_from' : '_to';
    return this.query<T>(collection, { field: '_key', where: { [field]: vertex } });
  }

  async ping(): Promise<void> {
    await this.db.version(false);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** Reads of a collection that was never written answer empty, as with sqlite, instead of failing. */
  private async read<R>(collection: string, empty: R, run: () => Promise<R>): Promise<R> {
    // An invalid name cannot have been created, so (like sqlite) it is simply missing.
    if (!NAME.test(collection) || collection.startsWith('_')) return empty;
    try {
      return await run();
    } catch (error) {
      if (isError(error, COLLECTION_NOT_FOUND)) return empty;
      throw error;
    }
  }

  /** Builds the FILTER clause; field names and values only ever travel as bind parameters. */
  private async filter(collection: string, query: Filter, bind: Bind): Promise<string> {
    const field = checkName(query.field, 'field', FIELD);
    const where = Object.entries(query.where ?? {});
    for (const [name] of where) checkName(name, 'field', FIELD);
    const clauses: string[] = [];
    if (query.from !== undefined) {
      clauses.push('d[@field] >= @from');
      bind.from = query.from;
    }
    // AQL ranks null below every number, where sqlite's NULL < ? is never true: keep documents without the field out.
    if (query.to !== undefined) {
      clauses.push(`${query.from === undefined ? 'd[@field] != null AND ' : ''}d[@field] < @to`);
      bind.to = query.to;
    }
    if (query.after) {
      if (!query.tiebreak) throw new Error('a cursor (after) needs a tiebreak field');
      const beyond = query.order === 'desc' ? '<' : '>';
      // The leading range lets the persistent index on the field bound the scan.
      clauses.push(`d[@field] ${beyond}= @afterValue AND (d[@field] ${beyond} @afterValue OR d[@tiebreak] ${beyond} @afterTiebreak)`);
      Object.assign(bind, { afterValue: query.after.value, afterTiebreak: query.after.tiebreak, tiebreak: checkName(query.tiebreak, 'field', FIELD) });
    }
    // The server rejects bind parameters the query does not use.
    if (clauses.length > 0) bind.field = field;
    where.forEach(([name, value], i) => {
      clauses.push(`d[@w${i}] == @v${i}`);
      bind[`w${i}`] = name;
      bind[`v${i}`] = value;
    });
    for (const name of [field, ...where.map(([name]) => name)]) await this.index(collection, name);
    return clauses.length > 0 ? ` FILTER ${clauses.join(' AND ')}` : '';
  }

  private async index(collection: string, field: string): Promise<void> {
    const id = `${collection}.${field}`;
    if (SYSTEM.has(field) || this.indexed.has(id)) return;
    await this.db.collection(collection).ensureIndex({ type: 'persistent', fields: [field] });
    this.indexed.add(id);
  }

  private async all<T>(query: string, bindVars: Bind): Promise<T[]> {
    return (await this.db.query<T>(query, bindVars)).all();
  }
}
