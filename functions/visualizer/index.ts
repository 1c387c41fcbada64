// visualizer: a page for traders watching a market live. It follows the orchestrator's workflows, reads
// the data topics of their live steps in its own consumer group, and fans the records out to pages over
// `/live` with the workflows' status; history comes from the store. Factory over ports; the registry
// serves its app and attaches its socket.
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { Book, Candle, MarketRecord, Trade } from '../../shared/contracts/market.ts';
import { GROUPS } from '../../shared/contracts/names.ts';
import { type Workflow, workflowSchema } from '../../shared/contracts/workflow.ts';
import { errorMessage } from '../../shared/errors.ts';
import type { MessageBatch } from '../../shared/harness/consume.ts';
import type { Ports } from '../../shared/harness/function.ts';
import type { Consumed } from '../../shared/harness/lag-metrics.ts';
import { visualizerApp } from './app.ts';
import { readHistory, storedIntervals } from './history.ts';
import { LiveIndicators } from './live-indicators.ts';
import { type LivePage, LiveSocket } from './live-socket.ts';
import { type LiveStream, LiveTopics, liveStreamsOf } from '../../shared/harness/live-topics.ts';
import type { LiveCandle, PageMessage, SourceMessage } from './messages.ts';
import { visualizerMetrics } from './metrics.ts';
import { pageScript } from './page-script.ts';
import { RecentRecords } from './recent.ts';
import { liveFor, summarize } from './sources.ts';
import { WorkflowFeed } from '../../shared/harness/workflow-feed.ts';

export interface VisualizerPorts extends Pick<Ports, 'bus' | 'store' | 'logger' | 'instrumentation'> {
  readonly registry: Registry;
}

export interface VisualizerOptions {
  /** The orchestrator's base URL: its /ws and GET /workflows. */
  readonly orchestratorUrl: string;
  /** How often the bus is pinged for the pages' source state. */
  readonly busCheckEveryMs?: number;
  /** Backoff of the orchestrator connection. */
  readonly reconnect?: { readonly minMs: number; readonly maxMs: number };
}

export interface Visualizer {
  readonly app: ReturnType<typeof visualizerApp>;
  start(): void;
  attach(server: Server): () => Promise<void>;
  subscriptions(): Consumed[];
  stop(): Promise<void>;
}

export function createVisualizer(ports: VisualizerPorts, options: VisualizerOptions): Visualizer {
  const logger = ports.logger.child({ fn: 'visualizer' });
  const metrics = visualizerMetrics(ports.registry);
  const indicators = new LiveIndicators(ports.store);
  const recent = new RecentRecords();
  const bus = { up: true, reason: null as string | null };
  const announced = new WeakMap<LivePage, string>();

  const sourceFor = (page: LivePage): SourceMessage => ({
    type: 'source',
    orchestrator: feed.up ? 'up' : 'down',
    bus: bus.up ? 'up' : 'down',
    live: liveFor(topics.streams(), page.symbol, page.interval),
    reason: bus.reason ?? (feed.up ? null : feed.reason),
  });
  /** Each page hears of its sources when what it would be told changes. */
  const announce = () =>
    socket.each((page) => {
      const message = sourceFor(page);
      const text = JSON.stringify(message);
      if (announced.get(page) === text) return undefined;
      announced.set(page, text);
      return message;
    });
  const workflowsMessage = (workflows: readonly Workflow[], all: boolean): PageMessage => ({
    type: 'workflows',
    all,
    workflows: workflows.map((w) => z.encode(workflowSchema, w)),
  });

  /** A symbol is unknown when nothing is stored for it and no workflow names it; without the orchestrator, no one can tell. */
  const unknownSymbol = async (symbol: string) => {
    if (!feed.up || feed.workflows().some((w) => w.request.symbols.includes(symbol))) return undefined;
    if ((await storedIntervals(ports.store)).has(symbol)) return undefined;
    return `unknown symbol ${symbol}: nothing stored and no live workflow for it; GET /api/symbols lists the known ones`;
  };

  const withIndicators = async (candle: Candle): Promise<LiveCandle | undefined> => {
    try {
      return await indicators.apply(candle);
    } catch (error) {
      logger.warn({ err: error, symbol: candle.symbol }, 'could not rebuild the indicators from the store; this candle goes without');
      return candle.warmup ? undefined : { ...candle, rsi_14: null, vwap: null };
    }
  };

  const relay = async (stream: LiveStream, batch: MessageBatch<MarketRecord>) => {
    const candles: LiveCandle[] = [];
    const trades: Trade[] = [];
    const books: Book[] = [];
    for (const { value } of batch.messages) {
      if (value.kind === 'candle') {
        const candle = await withIndicators(value);
        if (candle) candles.push(candle);
      } else if (value.kind === 'trade') trades.push(value);
      else if (value.kind === 'book') books.push(value);
    }
    const symbol = stream.symbol;
    for (const candle of candles) recent.addCandle(candle);
    recent.addTrades(symbol, trades);
    recent.addBooks(symbol, books);
    for (const interval of new Set(candles.map((c) => c.interval))) {
      const mine = candles.filter((c) => c.interval === interval);
      socket.broadcast((page) => page.symbol === symbol && page.interval === interval, { type: 'candles', candles: mine });
    }
    if (trades.length) socket.broadcast((page) => page.symbol === symbol, { type: 'trades', trades });
    if (books.length) socket.broadcast((page) => page.symbol === symbol, { type: 'books', books });
  };

  const socket = new LiveSocket({
    logger,
    refuse: (query) => unknownSymbol(query.symbol),
    greeting: (page) => {
      const source = sourceFor(page);
      announced.set(page, JSON.stringify(source));
      return [source, workflowsMessage(feed.workflows(), true), ...recent.messagesFor(page.symbol, page.interval)];
    },
    onClients: (count) => metrics.clients(count),
    onSent: (message) => {
      if (message.type === 'candles') metrics.relayed('candle', message.candles.length);
      else if (message.type === 'trades') metrics.relayed('trade', message.trades.length);
      else if (message.type === 'books') metrics.relayed('book', message.books.length);
    },
  });
  const topics = new LiveTopics({ ...ports, logger }, { fn: 'visualizer', group: GROUPS.visualizer }, relay);
  const feed = new WorkflowFeed({
    url: options.orchestratorUrl,
    logger,
    ...(options.reconnect ? { minBackoffMs: options.reconnect.minMs, maxBackoffMs: options.reconnect.maxMs } : {}),
    onWorkflows: (changed, all) => {
      for (const ended of topics.follow(liveStreamsOf(feed.workflows()))) {
        recent.forget(ended);
        if (ended.type.kind === 'candles') indicators.forget(ended.symbol, ended.type.interval);
      }
      socket.broadcast(() => true, workflowsMessage(changed, all));
      announce();
    },
    onState: () => announce(),
  });

  let busCheck: NodeJS.Timeout | undefined;
  const checkBus = async () => {
    const before = bus.up;
    try {
      await ports.bus.ping();
      Object.assign(bus, { up: true, reason: null });
    } catch (error) {
      Object.assign(bus, { up: false, reason: `bus ${ports.bus.kind}: ${errorMessage(error)}` });
    }
    if (before !== bus.up) logger.warn({ up: bus.up, reason: bus.reason }, 'bus state changed');
    announce();
  };

  const app = visualizerApp({
    logger,
    unknownSymbol,
    script: pageScript,
    history: async (query) => ({ symbol: query.symbol, interval: query.interval, candles: await readHistory(ports.store, query) }),
    symbols: async () => ({ symbols: summarize(await storedIntervals(ports.store), topics.streams()) }),
  });

  return {
    app,
    start() {
      feed.start();
      busCheck = setInterval(() => void checkBus(), options.busCheckEveryMs ?? 5_000);
    },
    attach: (server) => socket.attach(server),
    subscriptions: () => topics.subscriptions(),
    async stop() {
      clearInterval(busCheck);
      await feed.stop();
      await topics.stop();
    },
  };
}
