// rl-agent, live: the trained policy acting on the live market. It follows the live candle streams of
// running workflows (their loader-ws steps) in `rl-agent-group`, and for every candle that closes it
// publishes one decision — {symbol, time, action, confidence, model_version} — to `signals`, taken by the
// version `models:/ppo@champion` points at. It follows the alias with hot reload: when champion moves,
// the new version is loaded and verified, then swapped in between two candles; it is warmed on the bars
// the agent keeps, so the very next decision comes from the new version with no gap.
//
// Each symbol has a paper position (the agent assumes its decisions are filled), which the observation
// carries as the policy was trained. A stream is read from its first record: its warm-up candles
// (history the stream sends first) fill the observation window and are not decided on. Decisions are published before the batch is committed:
// after a crash a candle may be decided twice, never skipped; a candle already decided (by open time) is
// not decided again while the process lives.
import { setTimeout as sleep } from 'node:timers/promises';
import { GROUPS } from '../../shared/contracts/names.ts';
import type { Candle, MarketRecord } from '../../shared/contracts/market.ts';
import { type Signal, signalsTopic } from '../../shared/contracts/signals.ts';
import type { MessageBatch } from '../../shared/harness/consume.ts';
import type { DeadLetterPorts } from '../../shared/harness/dead-letter.ts';
import type { Consumed } from '../../shared/harness/lag-metrics.ts';
import { type LiveStream, LiveTopics, liveStreamsOf } from '../../shared/harness/live-topics.ts';
import { publish } from '../../shared/harness/publish.ts';
import { WorkflowFeed } from '../../shared/harness/workflow-feed.ts';
import { type ActiveModel, ModelFollower } from '../../shared/models/follower.ts';
import { ModelNotFoundError } from '../../shared/models/errors.ts';
import type { ModelRegistry } from '../../shared/models/registry.ts';
import type { PriceBar } from '../../shared/trading/execution.ts';
import { type PolicyPackage, loadPolicyPackage } from '../../shared/trading/ppo/package.ts';
import type { PpoPolicy } from '../../shared/trading/ppo/policy.ts';

export const LIVE_FN = 'rl-agent-live';
/** Closed bars kept per symbol to warm a newly loaded policy: far more than any observation needs. */
const HISTORY_BARS = 512;

export interface LiveAgentOptions {
  readonly registry: ModelRegistry;
  /** The orchestrator's base URL: which workflows stream live candles. */
  readonly orchestratorUrl: string;
  readonly reference?: string;
  /** How often the registry is re-read in case an announcement was missed. */
  readonly reconcileMs?: number;
  /** How often to look again while the reference points at no version yet. Default 5 s. */
  readonly waitForModelMs?: number;
}

export interface LiveAgent {
  subscriptions(): Consumed[];
  /** The version deciding now; undefined until the reference points at one. */
  version(): number | undefined;
  stop(): Promise<void>;
}

interface SymbolState {
  readonly history: PriceBar[];
  policy: PpoPolicy | undefined;
  /** The version the policy belongs to. */
  version: number;
  long: boolean;
  lastDecided: number;
  /** Told once that its candles are not of the policy's interval. */
  wrongInterval?: boolean;
}

export async function startLiveAgent(ports: DeadLetterPorts, options: LiveAgentOptions): Promise<LiveAgent> {
  const reference = options.reference ?? 'models:/ppo@champion';
  const logger = ports.logger.child({ fn: LIVE_FN });
  const stopping = new AbortController();
  await ports.bus.ensureTopic(signalsTopic.name, { partitions: 3 });
  const follow = () =>
    ModelFollower.start<PolicyPackage>({
      registry: options.registry,
      ports,
      reference,
      fn: LIVE_FN,
      load: (loaded) => loadPolicyPackage(loaded.files),
      ...(options.reconcileMs ? { reconcileMs: options.reconcileMs } : {}),
    });
  let follower: ModelFollower<PolicyPackage> | undefined;
  const symbols = new Map<string, SymbolState>();

  /** The symbol's policy of the version in use, warmed on the bars kept when the version changed. */
  const policyFor = (state: SymbolState, active: ActiveModel<PolicyPackage>): PpoPolicy => {
    if (state.policy && state.version === active.version.version) return state.policy;
    const policy = active.model.newest();
    // Replays history with the paper position as it stands: only the observation window matters here.
    for (const bar of state.history) policy.decide(bar, { long: state.long });
    state.policy = policy;
    state.version = active.version.version;
    return policy;
  };

  const handle = async (stream: LiveStream, batch: MessageBatch<MarketRecord>) => {
    const signals: Signal[] = [];
    for (const { value } of batch.messages) {
      if (value.kind !== 'candle' || value.partial) continue;
      const candle = value as Candle;
      const key = `${candle.symbol}/${candle.interval}`;
      let state = symbols.get(key);
      if (!state) {
        state = { history: [], policy: undefined, version: 0, long: false, lastDecided: Number.NEGATIVE_INFINITY };
        symbols.set(key, state);
      }
      if (candle.open_time <= state.lastDecided) continue;
      // A policy trained on 5m bars knows nothing of 1m bars: candles of another interval are not decided on.
      const trainedOn = follower!.current().model.manifest.interval_ms;
      if (candle.close_time + 1 - candle.open_time !== trainedOn) {
        if (!state.wrongInterval)
          logger.warn(
            { symbol: candle.symbol, interval: candle.interval, trained_on_ms: trainedOn },
            `not deciding on ${candle.interval} candles: the policy was trained on bars of ${trainedOn} ms`,
          );
        state.wrongInterval = true;
        continue;
      }
      const bar: PriceBar = { open_time: candle.open_time, open: candle.open, high: candle.high, low: candle.low, close: candle.close, volume: candle.volume };
      const current = state;
      const decided = await follower!.use((active) => {
        const policy = policyFor(current, active);
        const action = policy.decide(bar, { long: current.long });
        return { action, confidence: policy.lastConfidence, version: active.version.version };
      });
      state.history.push(bar);
      if (state.history.length > HISTORY_BARS) state.history.shift();
      state.lastDecided = candle.open_time;
      if (candle.warmup) continue;
      if (decided.action === 'buy') state.long = true;
      if (decided.action === 'sell') state.long = false;
      signals.push({
        symbol: candle.symbol,
        time: candle.open_time,
        action: decided.action,
        // Still filling its observation window: it holds, certain of nothing.
        confidence: decided.confidence ?? 0,
        model_version: decided.version,
        model: reference,
        interval: candle.interval,
        position: state.long ? 1 : 0,
      });
    }
    if (signals.length) {
      await publish(ports.bus, signalsTopic, signals);
      ports.instrumentation.emit('records.out', { fn: LIVE_FN, count: signals.length });
    }
    await batch.commit();
    if (signals.length) logger.debug({ topic: stream.topic, signals: signals.length }, 'decided');
  };

  // From a topic's first record: the stream opens with the warm-up candles the observation needs, and
  // every closed candle since the stream began gets its decision. A restart resumes at the group's offsets.
  const topics = new LiveTopics(ports, { fn: LIVE_FN, group: GROUPS.rlAgent, fromBeginning: true }, handle);
  const feed = new WorkflowFeed({
    url: options.orchestratorUrl,
    logger,
    onWorkflows: () => {
      const candles = liveStreamsOf(feed.workflows()).filter((s) => s.type.kind === 'candles');
      for (const ended of topics.follow(candles)) for (const key of [...symbols.keys()]) if (key.startsWith(`${ended.symbol}/`)) symbols.delete(key);
    },
    onState: (up, reason) => logger.info({ up, reason }, up ? 'following the orchestrator' : 'the orchestrator is away; live streams go on'),
  });
  // Until the reference points at a version there is nothing to decide with: the streams are followed
  // from the moment it does (a live reader starts at the newest candles anyway).
  const started = (async () => {
    let told = false;
    while (!stopping.signal.aborted) {
      try {
        follower = await follow();
        logger.info({ reference, version: follower.current().version.version }, `deciding with ${follower.current().version.uri}`);
        feed.start();
        return;
      } catch (error) {
        if (!(error instanceof ModelNotFoundError)) throw error;
        if (!told) logger.info({ reference }, `waiting for ${reference} to point at a version`);
        told = true;
        await sleep(options.waitForModelMs ?? 5000, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  })();
  started.catch((error) => logger.error({ err: error, reference }, `could not follow ${reference}`));
  return {
    subscriptions: () => topics.subscriptions(),
    version: () => follower?.current().version.version,
    async stop() {
      stopping.abort();
      await started.catch(() => undefined);
      await feed.stop();
      await topics.stop();
      await follower?.stop();
    },
  };
}
