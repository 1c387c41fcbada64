/// <reference lib="dom" />
// The live market page: picks a symbol and interval, draws the stored history, then continues it with
// the live stream, and says plainly when a data source is down while it reconnects by itself.
import type { HistoryAnswer, LiveCandle, PageMessage, SourceMessage, SymbolsAnswer } from '../messages.ts';
import { CandleChart } from './chart.ts';
import { LiveConnection } from './connection.ts';
import { DepthHeatmap } from './heatmap.ts';
import { fillPickers } from './pickers.ts';
import { TradeTape } from './tape.ts';
import { type StreamforgeView, createView, showState } from './view-state.ts';
import { WorkflowPanel } from './workflows.ts';

const HISTORY_BARS = 300;
/** A live workflow that has sent nothing for this long (the page's ?staleMs= overrides): its exchange stream is down. */
const STALE_MS = 30_000;
/** Bars listed in window.streamforgeView. */
const RECENT_BARS = 30;
const $ = (id: string) => document.getElementById(id)!;

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(path);
  return { status: response.status, body: (await response.json()) as T };
}

async function knownSymbols(): Promise<SymbolsAnswer> {
  try {
    return (await getJson<SymbolsAnswer>('/api/symbols')).body;
  } catch {
    return { symbols: [] };
  }
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const known = await knownSymbols();
  const symbol = params.get('symbol') ?? known.symbols.find((s) => s.live.trades || s.live.intervals.length)?.symbol ?? known.symbols[0]?.symbol;
  const interval = params.get('interval') ?? '1m';
  const view = createView(symbol ?? '', interval);
  fillPickers(known, symbol, interval);
  if (!symbol) {
    showState(
      view,
      'down',
      'no-live-workflow',
      'No symbol has live or stored data yet — start a live workflow (POST /workflows with ws_trades, ws_candles_1m, ws_depth); waiting…',
    );
    // The page starts over once a symbol appears.
    const poll = window.setInterval(async () => {
      if ((await knownSymbols()).symbols.length) {
        window.clearInterval(poll);
        location.reload();
      }
    }, 3_000);
    return;
  }
  document.title = `${symbol} ${interval} · StreamForge live`;
  showLive(view, symbol, interval, Number(params.get('staleMs')) || STALE_MS);
}

function showLive(view: StreamforgeView, symbol: string, interval: string, staleMs: number): void {
  const chart = new CandleChart($('chart'), $('legend'));
  const heatmap = new DepthHeatmap($('heatmap') as HTMLCanvasElement);
  const tape = new TradeTape($('tape'));
  const panel = new WorkflowPanel($('workflows'));
  const query = `symbol=${encodeURIComponent(symbol)}&interval=${encodeURIComponent(interval)}`;
  let open = false;
  let source: SourceMessage | undefined;
  /** Live candles that arrive while the history loads: applied after it, so none is lost at the seam. */
  let held: LiveCandle[] | undefined;
  /** When the live stream last delivered market data (or became live): silence past staleMs means it is down. */
  let heardAt = Date.now();

  const count = () => {
    const last = chart.lastBar;
    Object.assign(view, {
      candles: chart.count,
      lastCandleTime: last?.open_time ?? null,
      lastClose: last?.close ?? null,
      recentBars: chart.recent(RECENT_BARS).map(({ open_time, close, rsi_14, vwap }) => ({ open_time, close, rsi_14, vwap })),
      trades: tape.count,
      bookColumns: heatmap.count,
      workflows: panel.count,
      runningWorkflows: panel.running(),
    });
  };

  const judge = () => {
    if (!open) return;
    if (!source) return showState(view, 'connecting', null, 'Connected; waiting for the state of the data sources…');
    const { live } = source;
    if (source.bus === 'down') return showState(view, 'down', 'bus', `Live data source down — the bus does not answer (${source.reason ?? 'no reason given'}); reconnecting…`);
    if (source.orchestrator === 'down')
      return showState(view, 'down', 'orchestrator', `Workflow status down — the orchestrator is unreachable (${source.reason ?? 'no reason given'}); reconnecting…`);
    if (!live.candles && !live.trades && !live.depth)
      return showState(view, 'down', 'no-live-workflow', `No live workflow for ${symbol} — start one with ws_trades, ws_candles_${interval}, ws_depth; waiting for it…`);
    const silentMs = Date.now() - heardAt;
    if (silentMs > staleMs)
      return showState(
        view,
        'down',
        'stale',
        `No live data for ${symbol} for ${Math.round(silentMs / 1000)} s — the exchange stream is down or stalled; loader-ws is reconnecting…`,
      );
    showState(view, 'connected', null, `Live ${symbol} from ${live.workflows.join(', ')}${live.candles ? '' : ` (no ws_candles_${interval} stream: candles are from the store)`}`);
  };

  const applyCandles = (candles: readonly LiveCandle[]) => {
    for (const candle of candles) if (chart.apply(candle) !== 'stale') view.liveUpdates++;
  };

  const loadHistory = async () => {
    try {
      const { status, body } = await getJson<HistoryAnswer & { error?: string }>(`/api/history?${query}&limit=${HISTORY_BARS}`);
      if (status !== 200) return showState(view, 'down', 'unknown-symbol', body.error ?? `history answered ${status}`);
      chart.setHistory(body.candles);
    } catch (error) {
      showState(view, 'down', 'socket', `History unavailable (${(error as Error).message}); the live stream goes on`);
    }
    const waiting = held ?? [];
    held = undefined;
    applyCandles(waiting);
    count();
  };

  const receive = (message: PageMessage) => {
    switch (message.type) {
      case 'source':
        if (!source || (!source.live.workflows.length && message.live.workflows.length)) heardAt = Date.now();
        source = message;
        judge();
        break;
      case 'candles':
        if (held) held.push(...message.candles);
        else applyCandles(message.candles);
        break;
      case 'trades':
        tape.add(message.trades);
        break;
      case 'books':
        for (const book of message.books) heatmap.add(book);
        break;
      case 'workflows':
        panel.apply(message);
        break;
    }
    if (message.type === 'candles' || message.type === 'trades' || message.type === 'books') {
      const wasStale = view.reason === 'stale';
      heardAt = Date.now();
      if (wasStale) judge();
    }
    count();
  };
  window.setInterval(() => {
    if (view.state === 'connected') judge();
  }, 1000);

  const connection = new LiveConnection(`/live?${query}`, {
    onOpen() {
      open = true;
      source = undefined;
      heardAt = Date.now();
      held = [];
      judge();
      void loadHistory();
    },
    onMessage: receive,
    onClose(retryInMs) {
      open = false;
      source = undefined;
      view.reconnects++;
      showState(view, 'down', 'socket', `Live data source down — the visualizer is unreachable; reconnecting in ${Math.ceil(retryInMs / 1000)} s…`);
    },
  });
  connection.start();
  count();
}

void main();
