/// <reference lib="dom" />
// Candlesticks with volume and the day's VWAP in the main pane, RSI(14) in a pane below, drawn by
// lightweight-charts. History sets the bars; a live candle with the open time of the last bar updates
// it, a later one adds a bar, so the live stream continues the history without a seam.
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  LineSeries,
  LineStyle,
  type UTCTimestamp,
  createChart,
} from 'lightweight-charts';
import type { HistoryCandle } from '../messages.ts';
import { COLORS, formatPrice } from './format.ts';

const seconds = (ms: number) => (ms / 1000) as UTCTimestamp;
const RSI_PANE_HEIGHT = 120;

export type BarChange = 'added' | 'updated' | 'stale';

export class CandleChart {
  private readonly chart: IChartApi;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private readonly volume: ISeriesApi<'Histogram'>;
  private readonly vwap: ISeriesApi<'Line'>;
  private readonly rsi: ISeriesApi<'Line'>;
  private readonly legend: HTMLElement;
  private readonly bars = new Map<number, HistoryCandle>();
  private last: HistoryCandle | undefined;

  constructor(container: HTMLElement, legend: HTMLElement) {
    this.legend = legend;
    this.chart = createChart(container, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: COLORS.panel },
        textColor: COLORS.text,
        fontSize: 11,
        panes: { separatorColor: COLORS.grid, separatorHoverColor: COLORS.grid, enableResize: false },
        attributionLogo: false,
      },
      grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { borderColor: COLORS.grid },
      timeScale: { borderColor: COLORS.grid, timeVisible: true, secondsVisible: false, rightOffset: 4, barSpacing: 10 },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: COLORS.up,
      downColor: COLORS.down,
      borderUpColor: COLORS.up,
      borderDownColor: COLORS.down,
      wickUpColor: COLORS.up,
      wickDownColor: COLORS.down,
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.24 } });
    this.volume = this.chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume', lastValueVisible: false, priceLineVisible: false });
    this.volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.vwap = this.chart.addSeries(LineSeries, { color: COLORS.vwap, lineWidth: 2, priceLineVisible: false, crosshairMarkerVisible: false, title: 'VWAP' });
    this.rsi = this.chart.addSeries(
      LineSeries,
      {
        color: COLORS.rsi,
        lineWidth: 2,
        priceLineVisible: false,
        title: 'RSI 14',
        priceFormat: { type: 'price', precision: 1, minMove: 0.1 },
        // RSI lives on 0..100: the pane keeps that scale whatever the values.
        autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 100 } }),
      },
      1,
    );
    for (const level of [70, 30]) this.rsi.createPriceLine({ price: level, color: COLORS.muted, lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: false, title: '' });
    this.rsi.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: 0.1 } });
    this.chart.panes()[1]?.setHeight(RSI_PANE_HEIGHT);
    this.chart.subscribeCrosshairMove((param) => {
      const time = typeof param.time === 'number' ? param.time * 1000 : undefined;
      this.showLegend(time === undefined ? this.last : this.bars.get(time));
    });
  }

  get count(): number {
    return this.bars.size;
  }

  get lastBar(): HistoryCandle | undefined {
    return this.last;
  }

  /** The last `count` bars, oldest first. */
  recent(count: number): HistoryCandle[] {
    return [...this.bars.values()].sort((a, b) => a.open_time - b.open_time).slice(-count);
  }

  setHistory(history: readonly HistoryCandle[]): void {
    this.bars.clear();
    for (const bar of history) this.bars.set(bar.open_time, bar);
    const sorted = [...this.bars.values()].sort((a, b) => a.open_time - b.open_time);
    this.last = sorted.at(-1);
    this.candles.setData(sorted.map(candleData));
    this.volume.setData(sorted.map(volumeData));
    this.vwap.setData(sorted.map((bar) => lineData(bar.open_time, bar.vwap)));
    this.rsi.setData(sorted.map((bar) => lineData(bar.open_time, bar.rsi_14)));
    this.showLegend(this.last);
  }

  /** A live bar: the last one updated, a new one added; an older bar is redrawn only if it is shown. */
  apply(bar: HistoryCandle): BarChange {
    const last = this.last;
    const historical = last !== undefined && bar.open_time < last.open_time;
    if (historical && !this.bars.has(bar.open_time)) return 'stale';
    const change: BarChange = this.bars.has(bar.open_time) ? 'updated' : 'added';
    this.bars.set(bar.open_time, bar);
    if (!historical) this.last = bar;
    this.candles.update(candleData(bar), historical);
    this.volume.update(volumeData(bar), historical);
    this.vwap.update(lineData(bar.open_time, bar.vwap), historical);
    this.rsi.update(lineData(bar.open_time, bar.rsi_14), historical);
    this.showLegend(this.last);
    return change;
  }

  private showLegend(bar: HistoryCandle | undefined): void {
    if (!bar) {
      this.legend.textContent = 'No candles stored or streaming for this symbol and interval yet';
      return;
    }
    const color = bar.close >= bar.open ? COLORS.up : COLORS.down;
    const field = (name: string, value: string, tint: string = color) => `<span class="k">${name}</span> <span style="color:${tint}">${value}</span>`;
    this.legend.innerHTML = [
      field('O', formatPrice(bar.open)),
      field('H', formatPrice(bar.high)),
      field('L', formatPrice(bar.low)),
      field('C', formatPrice(bar.close)),
      field('Vol', bar.volume.toFixed(3), COLORS.text),
      field('VWAP', bar.vwap === null ? '—' : formatPrice(bar.vwap), COLORS.vwap),
      field('RSI 14', bar.rsi_14 === null ? '—' : bar.rsi_14.toFixed(1), COLORS.rsi),
    ].join(' ');
  }
}

const candleData = (bar: HistoryCandle) => ({ time: seconds(bar.open_time), open: bar.open, high: bar.high, low: bar.low, close: bar.close });
const volumeData = (bar: HistoryCandle) => ({ time: seconds(bar.open_time), value: bar.volume, color: bar.close >= bar.open ? COLORS.upVolume : COLORS.downVolume });
const lineData = (openTime: number, value: number | null) => (value === null ? { time: seconds(openTime) } : { time: seconds(openTime), value });
