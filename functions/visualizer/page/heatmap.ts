/// <reference lib="dom" />
// Order-book depth over time on a canvas: one column per book record (time on x, newest at the right),
// each price level a cell coloured by its size, with the best bid and ask drawn over it. The price axis
// spans the best prices on screen and the depth around them; older columns scroll left.
// Redrawn at most once a frame, however fast books arrive.
import type { Book } from '../../../shared/contracts/market.ts';
import { COLORS, formatPrice, formatTime } from './format.ts';

const MAX_COLUMNS = 300;
/** Columns are wider while few have arrived, down to MAX_COLUMNS across the plot. */
const MIN_SLOTS = 90;
const LABEL_GAP_PX = 50;
const AXIS_RIGHT = 64;
const AXIS_BOTTOM = 18;

interface Column {
  readonly updateId: number;
  readonly time: number;
  readonly bids: readonly (readonly [number, number])[];
  readonly asks: readonly (readonly [number, number])[];
}

/** Dark blue through cyan and yellow to white as a level's size grows (0..1). */
function heat(t: number): string {
  const stops = [
    [12, 20, 40],
    [20, 90, 160],
    [40, 190, 200],
    [240, 200, 40],
    [255, 255, 230],
  ] as const;
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  const [a, b] = [stops[i]!, stops[i + 1]!];
  return `rgb(${a.map((v, k) => Math.round(v + (b[k]! - v) * f)).join(',')})`;
}

export class DepthHeatmap {
  private readonly canvas: HTMLCanvasElement;
  private readonly columns: Column[] = [];
  private pending = false;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    new ResizeObserver(() => this.schedule()).observe(canvas);
  }

  get count(): number {
    return this.columns.length;
  }

  /** A book no newer than the last one drawn (sent again after a reconnect) is skipped. */
  add(book: Book): void {
    const last = this.columns.at(-1);
    if (last && book.update_id <= last.updateId) return;
    this.columns.push({ updateId: book.update_id, time: book.event_time, bids: book.bids, asks: book.asks });
    if (this.columns.length > MAX_COLUMNS) this.columns.splice(0, this.columns.length - MAX_COLUMNS);
    this.schedule();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const ratio = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    const g = this.canvas.getContext('2d')!;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.fillStyle = COLORS.panel;
    g.fillRect(0, 0, width, height);
    const plotW = width - AXIS_RIGHT;
    const plotH = height - AXIS_BOTTOM;
    g.fillStyle = '#0c1220';
    g.fillRect(0, 0, plotW, plotH);
    if (this.columns.length === 0) {
      g.fillStyle = COLORS.muted;
      g.font = '12px system-ui, sans-serif';
      g.fillText('Waiting for order-book snapshots (ws_depth)…', 12, plotH / 2);
      return;
    }
    const { low, high, tick, fullQty } = this.range();
    const y = (price: number) => plotH - ((price - low) / (high - low)) * plotH;
    const cellH = Math.max(1, (tick / (high - low)) * plotH);
    const cellW = plotW / Math.max(this.columns.length, MIN_SLOTS);
    const x0 = plotW - this.columns.length * cellW;
    g.save();
    g.beginPath();
    g.rect(0, 0, plotW, plotH);
    g.clip();
    this.columns.forEach((column, i) => {
      const x = x0 + i * cellW;
      for (const [price, qty] of [...column.bids, ...column.asks]) {
        if (price < low || price > high) continue;
        g.fillStyle = heat((qty / fullQty) ** 0.6);
        g.fillRect(x, y(price) - cellH / 2, Math.ceil(cellW), Math.ceil(cellH));
      }
    });
    this.drawBest(g, x0, cellW, y, (c) => c.bids[0]?.[0], COLORS.up);
    this.drawBest(g, x0, cellW, y, (c) => c.asks[0]?.[0], COLORS.down);
    g.restore();
    this.drawAxes(g, plotW, plotH, low, high, y, x0, cellW);
  }

  /**
   * Prices shown: every best bid and ask on screen, widened by the latest book's depth (half its span) on
   * each side, so the whole time span stays visible as the price moves; the tick is the smallest step between the
   * latest book's levels; a size at the 95th percentile of those on screen is full brightness, so a few
   * walls do not leave every other level dark.
   */
  private range() {
    const latest = this.columns.at(-1)!;
    const levels = [...latest.bids.map((l) => l[0]), ...latest.asks.map((l) => l[0])].sort((a, b) => a - b);
    let tick = Number.POSITIVE_INFINITY;
    for (let i = 1; i < levels.length; i++) tick = Math.min(tick, levels[i]! - levels[i - 1]!);
    const depth = Math.max(levels.at(-1)! - levels[0]!, 1e-9) / 2;
    if (!Number.isFinite(tick) || tick <= 0) tick = depth / 25;
    const bests = this.columns.flatMap((c) => [c.bids[0]?.[0], c.asks[0]?.[0]]).filter((p): p is number => p !== undefined);
    const sizes = this.columns.flatMap((c) => [...c.bids, ...c.asks].map((l) => l[1])).sort((a, b) => a - b);
    const fullQty = sizes[Math.floor(sizes.length * 0.95)] || 1;
    return { low: Math.min(...bests) - depth, high: Math.max(...bests) + depth, tick, fullQty };
  }

  private drawBest(g: CanvasRenderingContext2D, x0: number, cellW: number, y: (p: number) => number, best: (c: Column) => number | undefined, color: string): void {
    g.strokeStyle = color;
    g.lineWidth = 1.5;
    g.beginPath();
    let started = false;
    this.columns.forEach((column, i) => {
      const price = best(column);
      if (price === undefined) return;
      const x = x0 + (i + 0.5) * cellW;
      if (started) g.lineTo(x, y(price));
      else g.moveTo(x, y(price));
      started = true;
    });
    g.stroke();
  }

  private drawAxes(g: CanvasRenderingContext2D, plotW: number, plotH: number, low: number, high: number, y: (p: number) => number, x0: number, cellW: number): void {
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = COLORS.text;
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const price = low + ((high - low) * i) / 4;
      const py = Math.min(Math.max(y(price), 7), plotH - 7);
      g.fillText(formatPrice(price), plotW + 6, py);
    }
    g.textBaseline = 'alphabetic';
    let lastLabelEnd = Number.NEGATIVE_INFINITY;
    this.columns.forEach((column, i) => {
      const x = x0 + i * cellW;
      const label = formatTime(column.time);
      const width = g.measureText(label).width;
      if (x < 0 || x < lastLabelEnd + LABEL_GAP_PX || x + width > plotW) return;
      g.fillText(label, x, plotH + 13);
      lastLabelEnd = x + width;
    });
    g.strokeStyle = COLORS.grid;
    g.strokeRect(0.5, 0.5, plotW - 1, plotH - 1);
  }
}
