// Colours and number formats the panels share.

export const COLORS = {
  panel: '#12161c',
  grid: '#1f262e',
  text: '#b7bdc6',
  muted: '#5e6673',
  up: '#0ecb81',
  down: '#f6465d',
  upVolume: 'rgba(14, 203, 129, 0.35)',
  downVolume: 'rgba(246, 70, 93, 0.35)',
  vwap: '#f0b90b',
  rsi: '#a58cff',
} as const;

export function formatPrice(price: number): string {
  return price.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: price < 10 ? 6 : 2 });
}

export function formatQty(qty: number): string {
  return qty.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** HH:MM:SS in UTC, as the chart's time axis shows times. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
