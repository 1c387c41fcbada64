// Embedded Store on node:sqlite: one table per collection, JSON documents, expression indexes on demand.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Doc, GraphDefinition, Keyed, RangeQuery, Store, UpsertResult } from '../../ports/store.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function checkName(name: string, what: string, pattern: RegExp): string {
  if (!pattern.test(name)) throw new Error(`invalid ${what} name "${name}"`);
  return name;
}

const table = (collection: string) => `"c_${checkName(collection, 'collection', NAME)}"`;
const path = (field: string) => `json_extract(doc, '$.${checkName(field, 'field', FIELD)}')`;

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: DatabaseSync;
  private readonly known = new Set<string>();
  private readonly indexed = new Set<string>();
  private readonly statements = new Map<string, StatementSync>();

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    // busy_timeout first: several processes (one per function) may open the same file at once.
    this.db.exec(`PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, kind TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS _graphs (name TEXT PRIMARY KEY, vertices TEXT NOT NULL, edges TEXT NOT NULL)`);
    for (const row of this.db.prepare('SELECT name FROM _collections').all()) this.known.add(String(row.name));
  }

  async ensureCollection(name: string, kind: 'document' | 'edge' = 'document'): Promise<void> {
    this.ensure(name, kind);
  }

  async ensureGraph(graph: GraphDefinition): Promise<void> {
    checkName(graph.name, 'graph', NAME);
    this.ensure(graph.vertices);
    this.ensure(graph.edges, 'edge');
    this.statement('INSERT OR IGNORE INTO _graphs (name, vertices, edges) VALUES (?, ?, ?)').run(graph.name, graph.vertices, graph.edges);
  }

  async graphs(): Promise<GraphDefinition[]> {
    return this.statement('SELECT name, vertices, edges FROM _graphs ORDER BY name')
      .all()
      .map((row) => ({ name: String(row.name), vertices: String(row.vertices), edges: String(row.edges) }));
  }

  async listCollections(): Promise<string[]> {
    return this.db
      .prepare('SELECT name FROM _collections ORDER BY name')
      .all()
      .map((row) => String(row.name));
  }

  async upsert<T extends Keyed>(collection: string, docs: readonly T[]): Promise<UpsertResult> {
    this.ensure(collection);
    const insert = this.statement(`INSERT OR IGNORE INTO ${table(collection)} (_key, doc) VALUES (?, ?)`);
    const update = this.statement(`UPDATE ${table(collection)} SET doc = ? WHERE _key = ?`);
    let inserted = 0;
    let updated = 0;
    this.db.exec('BEGIN');
    try {
      for (const doc of docs) {
        const json = JSON.stringify(doc);
        if (Number(insert.run(doc._key, json).changes) === 1) inserted++;
        else {
          update.run(json, doc._key);
          updated++;
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    return { inserted, updated };
  }

  async insert<T extends Keyed>(collection: string, doc: T): Promise<boolean> {
    this.ensure(collection);
    return Number(this.statement(`INSERT OR IGNORE INTO ${table(collection)} (_key, doc) VALUES (?, ?)`).run(doc._key, JSON.stringify(doc)).changes) === 1;
  }

  async get<T extends Keyed = Doc>(collection: string, key: string): Promise<T | undefined> {
    if (!this.exists(collection)) return undefined;
    const row = this.statement(`SELECT doc FROM ${table(collection)} WHERE _key = ?`).get(key);
    return row ? (JSON.parse(String(row.doc)) as T) : undefined;
  }

  async remove(collection: string, key: string): Promise<boolean> {
    if (!this.exists(collection)) return false;
    return Number(this.statement(`DELETE FROM ${table(collection)} WHERE _key = ?`).run(key).changes) > 0;
  }

  async query<T extends Keyed = Doc>(collection: string, query: RangeQuery): Promise<T[]> {
    if (!this.exists(collection)) return [];
    const { where, params } = this.where(collection, query);
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const limit = query.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(query.limit))}`;
    const tiebreak = query.tiebreak ? `${path(query.tiebreak)} ${order}, ` : '';
    const sql = `SELECT doc FROM ${table(collection)}${where} ORDER BY ${path(query.field)} ${order}, ${tiebreak}_key ${order}${limit}`;
    return this.statement(sql)
      .all(...params)
      .map((row) => JSON.parse(String(row.doc)) as T);
  }

  async count(collection: string, query?: Omit<RangeQuery, 'order' | 'limit'>): Promise<number> {
    if (!this.exists(collection)) return 0;
    const { where, params } = query ? this.where(collection, query) : { where: '', params: [] };
    const row = this.statement(`SELECT count(*) AS n FROM ${table(collection)}${where}`).get(...params);
    return Number(row?.n ?? 0);
  }

  async edges<T extends Keyed = Doc>(collection: string, vertex: string, direction: 'out' | 'in'): Promise<T[]> {
    const field = direction === 'out' ? '_from' : '_to';
    return this.query<T>(collection, { field: '_key', where: { [field]: vertex } });
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  /** Another process on the same file may have created the collection since this one last looked. */
  private exists(name: string): boolean {
    if (this.known.has(name)) return true;
    if (!this.statement('SELECT 1 AS found FROM _collections WHERE name = ?').get(name)) return false;
    this.known.add(name);
    return true;
  }

  private ensure(name: string, kind: 'document' | 'edge' = 'document'): void {
    if (this.known.has(name)) return;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table(name)} (_key TEXT PRIMARY KEY, doc TEXT NOT NULL) STRICT`);
    if (kind === 'edge') {
      this.index(name, '_from');
      this.index(name, '_to');
    }
    this.statement('INSERT OR IGNORE INTO _collections (name, kind) VALUES (?, ?)').run(name, kind);
    this.known.add(name);
  }

  private index(collection: string, field: string): void {
    const id = `${collection}.${field}`;
    if (this.indexed.has(id)) return;
    this.db.exec(`CREATE INDEX IF NOT EXISTS "i_${collection}_${field}" ON ${table(collection)} (${path(field)})`);
    this.indexed.add(id);
  }

  private where(collection: string, query: Omit<RangeQuery, 'limit'>) {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    if (query.field !== '_key') this.index(collection, query.field);
    const field = query.field === '_key' ? '_key' : path(query.field);
    if (query.from !== undefined) {
      clauses.push(`${field} >= ?`);
      params.push(query.from);
    }
    if (query.to !== undefined) {
      clauses.push(`${field} < ?`);
      params.push(query.to);
    }
    if (query.after) {
      if (!query.tiebreak) throw new Error('a cursor (after) needs a tiebreak field');
      const beyond = query.order === 'desc' ? '<' : '>';
      // The leading range lets the index on the field bound the scan.
      clauses.push(`${field} ${beyond}= ? AND (${field} ${beyond} ? OR ${path(query.tiebreak)} ${beyond} ?)`);
      params.push(query.after.value, query.after.value, query.after.tiebreak);
    }
    for (const [name, value] of Object.entries(query.where ?? {})) {
      this.index(collection, name);
      clauses.push(`${path(name)} = ?`);
      params.push(typeof value === 'boolean' ? Number(value) : value);
    }
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
