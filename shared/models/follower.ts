// Hot reload for a running consumer: follows a reference (`models:/gcn@champion`, `models:/gcn/latest`),
// hears every move on `model-updates`, loads the new version, verifies every artifact's checksum and
// swaps it in between two messages — never during one.
//
// The guarantee, for a consumer that handles each message inside `use`: a message handled after the
// follower has heard of a move is handled by the new version (`use` waits while it loads); no message
// is handled by a half-loaded model; a version whose artifacts fail their checksum is refused, and the
// current one stays. A timer re-reads the registry as well, so a missed announcement, or a load that
// failed for a reason other than its checksums, only delays a swap.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ModelReference, type ModelUpdate, type ModelVersion, formatModelReference, modelUpdatesTopic, parseModelReference } from '../contracts/models.ts';
import { errorMessage } from '../errors.ts';
import { type Reader, consumeForever } from '../harness/consume.ts';
import type { DeadLetterPorts } from '../harness/dead-letter.ts';
import { ArtifactIntegrityError } from './errors.ts';
import type { LoadedModel } from './verify.ts';
import type { ModelRegistry } from './registry.ts';

export interface ActiveModel<M> {
  readonly version: ModelVersion;
  readonly model: M;
  /** When it was swapped in (epoch ms). */
  readonly since: number;
}

export interface FollowOptions<M> {
  readonly registry: ModelRegistry;
  /** The bus announcements come on (the registry's), and where unreadable ones are dead-lettered. */
  readonly ports: DeadLetterPorts;
  readonly reference: string;
  /** Turns verified artifacts into the consumer's model (e.g. tfjs's loadLayersModel over them). */
  load(loaded: LoadedModel): Promise<M> | M;
  /** The function following, named in logs and dead letters. */
  readonly fn?: string;
  /** How often the registry is re-read in case an announcement was missed. Default 60 s. */
  readonly reconcileMs?: number;
  /** A version that takes longer than this to load is refused, and the current one stays. Default 120 s. */
  readonly loadTimeoutMs?: number;
  /** Told of every swap and every refused version. */
  onSwap?(active: ActiveModel<M>, previous: ActiveModel<M>): void;
  onRefused?(version: number, error: Error): void;
}

export class ModelFollower<M> {
  private readonly options: FollowOptions<M>;
  private readonly reference: ModelReference;
  private active: ActiveModel<M>;
  /** When what the reference points at last changed, as far as this follower knows. */
  private followedAt: number;
  /** A swap being prepared: `use` waits for it. */
  private pending: Promise<void> | undefined;
  private inUse = 0;
  private idle: (() => void) | undefined;
  private reader: Reader | undefined;
  private readonly stopped = new AbortController();

  private constructor(options: FollowOptions<M>, reference: ModelReference, active: ActiveModel<M>, followedAt: number) {
    this.options = options;
    this.reference = reference;
    this.active = active;
    this.followedAt = followedAt;
  }

  /** Resolves the reference, loads and verifies what it points at, then listens for moves. */
  static async start<M>(options: FollowOptions<M>): Promise<ModelFollower<M>> {
    const reference = parseModelReference(options.reference);
    await options.registry.ensureTopic();
    const resolved = await options.registry.resolveWithChange(reference);
    const model = await options.load(await options.registry.load(resolved.version));
    const follower = new ModelFollower(options, reference, { version: resolved.version, model, since: Date.now() }, resolved.changedAt);
    follower.announceInUse();
    follower.listen();
    return follower;
  }

  /** The version in use, for the model-version gauge. */
  private announceInUse(): void {
    const ref = this.reference;
    const reference = ref.kind === 'alias' ? ref.alias : ref.kind === 'latest' ? 'latest' : String(ref.version);
    this.options.ports.instrumentation.emit('model.in-use', { fn: this.options.fn ?? 'unknown', model: ref.name, reference, version: this.active.version.version });
  }

  current(): ActiveModel<M> {
    return this.active;
  }

  /** Runs `handle` with the current model; a swap waits until it returns, and it waits for a swap under way. */
  async use<T>(handle: (active: ActiveModel<M>) => Promise<T> | T): Promise<T> {
    while (this.pending) await this.pending;
    this.inUse++;
    try {
      return await handle(this.active);
    } finally {
      if (--this.inUse === 0) this.idle?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await this.reader?.stop();
    await this.pending;
  }

  private listen(): void {
    const { ports, fn = 'model-follower', reconcileMs = 60_000 } = this.options;
    // A group of its own, read from the start of what is kept and never committed: every follower hears
    // every announcement, and old ones are told apart by their timestamp.
    const group = `${fn}-models-${Math.random().toString(36).slice(2, 10)}`;
    this.reader = consumeForever(ports, { fn, group, topic: modelUpdatesTopic, fromBeginning: true }, async (batch) => {
      for (const { value } of batch.messages) if (this.concerns(value)) this.swapTo(value.version, value.timestamp);
    });
    void (async () => {
      while (!this.stopped.signal.aborted) {
        await sleep(reconcileMs, undefined, { signal: this.stopped.signal }).catch(() => undefined);
        if (this.stopped.signal.aborted) return;
        try {
          const resolved = await this.options.registry.resolveWithChange(this.reference);
          if (resolved.changedAt > this.followedAt && resolved.version.version !== this.active.version.version) this.swapTo(resolved.version.version, resolved.changedAt);
        } catch (error) {
          ports.logger.warn({ err: error, reference: this.options.reference }, 'could not re-read the registry; trying again later');
        }
      }
    })();
  }

  /** Whether an announcement moves what this follower follows, and is newer than what it knows. */
  private concerns(update: ModelUpdate): boolean {
    const ref = this.reference;
    if (update.name !== ref.name || update.timestamp <= this.followedAt) return false;
    if (ref.kind === 'alias') return update.alias === ref.alias;
    return ref.kind === 'latest' && update.alias === null && update.version > this.active.version.version;
  }

  /** From now on `use` waits until the version is loaded, verified and swapped in (or refused). */
  private swapTo(version: number, changedAt: number): void {
    this.followedAt = changedAt;
    const previous = this.pending ?? Promise.resolve();
    const swap = previous.then(() => this.load(version, changedAt));
    this.pending = swap;
    void swap.finally(() => {
      if (this.pending === swap) this.pending = undefined;
    });
  }

  private async load(version: number, changedAt: number): Promise<void> {
    const { registry, ports, loadTimeoutMs = 120_000 } = this.options;
    if (version === this.active.version.version) return;
    const uri = formatModelReference({ name: this.reference.name, kind: 'version', version });
    try {
      const deadline = AbortSignal.timeout(loadTimeoutMs);
      const timedOut = new Promise<never>((_, reject) => deadline.addEventListener('abort', () => reject(new Error(`not loaded within ${loadTimeoutMs} ms`)), { once: true }));
      const loaded = await Promise.race([registry.load(uri), timedOut]);
      const model = await Promise.race([Promise.resolve(this.options.load(loaded)), timedOut]);
      // Messages being handled finish with the model they started with.
      if (this.inUse > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.idle = undefined;
      const before = this.active;
      this.active = { version: loaded.version, model, since: Date.now() };
      ports.logger.info({ reference: this.options.reference, from: before.version.version, to: version }, `now using ${uri}`);
      this.announceInUse();
      this.options.onSwap?.(this.active, before);
    } catch (error) {
      ports.logger.error({ err: error, reference: this.options.reference, version }, `refused ${uri}: ${errorMessage(error)}; still using ${this.active.version.uri}`);
      // Bytes that are not the registered ones stay refused; anything else (the object store away, a
      // slow load) is tried again at the next registry check, unless a newer move came meanwhile.
      if (!(error instanceof ArtifactIntegrityError) && this.followedAt === changedAt) this.followedAt = changedAt - 1;
      this.options.onRefused?.(version, error as Error);
    }
  }
}
