// The Store port: document and edge collections with upsert by key and the range queries functions need.

export type Doc = Record<string, unknown> & { readonly _key: string };
/** Anything with a key can be read back as a typed document. */
export type Keyed = { readonly _key: string };

export interface RangeQuery {
  /** Numeric field to range over, e.g. open_time; half-open [from, to). */
  readonly field: string;
  readonly from?: number;
  readonly to?: number;
  /** Exact-match filters on top-level fields. */
  readonly where?: Readonly<Record<string, string | number | boolean>>;
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
  /**
   * A second numeric field that orders documents sharing a value of `field` (a trade's agg_id for its
   * time); with `after`, a stable cursor: only documents strictly after (value, tiebreak) in that order.
   */
  readonly tiebreak?: string;
  readonly after?: { readonly value: number; readonly tiebreak: number };
}

export interface UpsertResult {
  readonly inserted: number;
  readonly updated: number;
}

/** A named graph: an edge collection whose edges join documents of a vertex collection. */
export interface GraphDefinition {
  readonly name: string;
  readonly vertices: string;
  readonly edges: string;
}

export interface Store {
  readonly kind: string;
  ensureCollection(name: string, kind?: 'document' | 'edge'): Promise<void>;
  /** Creates the two collections and declares them a named graph (ArangoDB's, for traversals); idempotent. */
  ensureGraph(graph: GraphDefinition): Promise<void>;
  /** The named graphs declared so far, by name. */
  graphs(): Promise<GraphDefinition[]>;
  listCollections(): Promise<string[]>;
  upsert<T extends Keyed>(collection: string, docs: readonly T[]): Promise<UpsertResult>;
  /**
   * Creates the document only if its key is free: true when it was created, false when the key was
   * taken (the document there is left alone). Atomic across processes sharing the store, so it can
   * claim a name or a number that concurrent writers also want.
   */
  insert<T extends Keyed>(collection: string, doc: T): Promise<boolean>;
  get<T extends Keyed = Doc>(collection: string, key: string): Promise<T | undefined>;
  remove(collection: string, key: string): Promise<boolean>;
  query<T extends Keyed = Doc>(collection: string, query: RangeQuery): Promise<T[]>;
  count(collection: string, query?: Omit<RangeQuery, 'order' | 'limit'>): Promise<number>;
  /** Edges whose _from (direction 'out') or _to ('in') is the given vertex id. */
  edges<T extends Keyed = Doc>(collection: string, vertex: string, direction: 'out' | 'in'): Promise<T[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
