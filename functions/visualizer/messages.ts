// What the visualizer says to its page: over `/live`, the state of its data sources, live market records
// (candles carry their RSI and VWAP) and workflows as the orchestrator reports them; over HTTP, the
// stored history and the symbols it knows. The page imports these types only.
import type { z } from 'zod';
import type { Book, Candle, Trade } from '../../shared/contracts/market.ts';
import type { workflowSchema } from '../../shared/contracts/workflow.ts';

export type SourceState = 'up' | 'down';

/** What is streaming live for the page's symbol and interval. */
export interface LiveAvailability {
  readonly candles: boolean;
  readonly trades: boolean;
  readonly depth: boolean;
  /** The workflows streaming the symbol. */
  readonly workflows: readonly string[];
}

export interface SourceMessage {
  readonly type: 'source';
  readonly orchestrator: SourceState;
  readonly bus: SourceState;
  readonly live: LiveAvailability;
  /** Why a source is down, in words for the page. */
  readonly reason: string | null;
}

/** A candle with the indicators the persister stores, computed the same way. */
export type LiveCandle = Candle & { readonly rsi_14: number | null; readonly vwap: number | null };

export type MarketMessage =
  | { readonly type: 'candles'; readonly candles: readonly LiveCandle[] }
  | { readonly type: 'trades'; readonly trades: readonly Trade[] }
  | { readonly type: 'books'; readonly books: readonly Book[] };

/** Workflows in their wire form, whole, each time one changes; `all` says they replace every one shown. */
export interface WorkflowsMessage {
  readonly type: 'workflows';
  readonly all: boolean;
  readonly workflows: readonly z.input<typeof workflowSchema>[];
}

export type PageMessage = SourceMessage | MarketMessage | WorkflowsMessage | { readonly type: 'pong' };

/** What the page may send: a ping, answered with a pong (anything else is logged and ignored). */
export type ClientMessage = { readonly type: 'ping' };

export interface HistoryCandle {
  readonly open_time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly rsi_14: number | null;
  readonly vwap: number | null;
}

export interface HistoryAnswer {
  readonly symbol: string;
  readonly interval: string;
  readonly candles: readonly HistoryCandle[];
}

export interface SymbolSummary {
  readonly symbol: string;
  /** Candle intervals stored or streaming live. */
  readonly intervals: readonly string[];
  readonly live: { readonly intervals: readonly string[]; readonly trades: boolean; readonly depth: boolean };
}

export interface SymbolsAnswer {
  readonly symbols: readonly SymbolSummary[];
}
