/// <reference lib="dom" />
// The symbol and interval pickers: the symbols the visualizer knows (live ones marked), the intervals of
// the chosen symbol; choosing reloads the page for that pair.
import type { SymbolsAnswer } from '../messages.ts';

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const node = document.createElement('option');
  node.value = value;
  node.textContent = label;
  node.selected = selected;
  return node;
}

export function fillPickers(known: SymbolsAnswer, symbol: string | undefined, interval: string): void {
  const symbols = document.getElementById('symbol') as HTMLSelectElement;
  const intervals = document.getElementById('interval') as HTMLSelectElement;
  const listed =
    known.symbols.some((s) => s.symbol === symbol) || !symbol ? known.symbols : [...known.symbols, { symbol, intervals: [], live: { intervals: [], trades: false, depth: false } }];
  symbols.replaceChildren(...listed.map((s) => option(s.symbol, s.live.trades || s.live.depth || s.live.intervals.length ? `${s.symbol} ● live` : s.symbol, s.symbol === symbol)));
  const choices = new Set([...(listed.find((s) => s.symbol === symbol)?.intervals ?? []), interval]);
  intervals.replaceChildren(...[...choices].map((i) => option(i, i, i === interval)));
  const go = () => {
    const params = new URLSearchParams({ symbol: symbols.value, interval: symbols.value === symbol ? intervals.value : '1m' });
    location.search = params.toString();
  };
  symbols.onchange = go;
  intervals.onchange = go;
}
