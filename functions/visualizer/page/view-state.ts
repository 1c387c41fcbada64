/// <reference lib="dom" />
// What the page shows, readable by people and tests: `data-state` (connecting, connected, down) and
// `data-reason` on <body>, and `window.streamforgeView` with the numbers behind each panel.

export type PageState = 'connecting' | 'connected' | 'down';
/** Why the page is down: its socket, the orchestrator, the bus, or no live workflow for the symbol. */
export type DownReason = 'socket' | 'orchestrator' | 'bus' | 'no-live-workflow' | 'unknown-symbol' | 'stale';

export interface StreamforgeView {
  state: PageState;
  reason: DownReason | null;
  message: string;
  symbol: string;
  interval: string;
  candles: number;
  /** Open time (epoch ms) and close of the last bar drawn. */
  lastCandleTime: number | null;
  lastClose: number | null;
  /** The last bars drawn, oldest first, with the indicators drawn for them. */
  recentBars: { open_time: number; close: number; rsi_14: number | null; vwap: number | null }[];
  /** Live candle updates drawn since the page loaded its history. */
  liveUpdates: number;
  trades: number;
  bookColumns: number;
  workflows: number;
  runningWorkflows: string[];
  reconnects: number;
}

declare global {
  interface Window {
    streamforgeView: StreamforgeView;
  }
}

export function createView(symbol: string, interval: string): StreamforgeView {
  const view: StreamforgeView = {
    state: 'connecting',
    reason: null,
    message: 'Connecting…',
    symbol,
    interval,
    candles: 0,
    lastCandleTime: null,
    lastClose: null,
    recentBars: [],
    liveUpdates: 0,
    trades: 0,
    bookColumns: 0,
    workflows: 0,
    runningWorkflows: [],
    reconnects: 0,
  };
  window.streamforgeView = view;
  return view;
}

export function showState(view: StreamforgeView, state: PageState, reason: DownReason | null, message: string): void {
  view.state = state;
  view.reason = reason;
  view.message = message;
  document.body.dataset.state = state;
  if (reason) document.body.dataset.reason = reason;
  else delete document.body.dataset.reason;
  const banner = document.getElementById('banner')!;
  banner.textContent = message;
  banner.hidden = state === 'connected';
  const pill = document.getElementById('state')!;
  pill.textContent = state === 'connected' ? 'Live' : state === 'connecting' ? 'Connecting' : 'Down';
}
