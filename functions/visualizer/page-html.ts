// The page's markup and style: one document, no framework, its script from /app.js on the same origin.

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>StreamForge live market</title>
<style>
  :root { color-scheme: dark; --bg: #0b0e11; --panel: #12161c; --line: #1f262e; --text: #d1d4dc; --muted: #848e9c; --up: #0ecb81; --down: #f6465d; --warn: #f0b90b; }
  * { box-sizing: border-box; }
  html, body { height: 100%; margin: 0; }
  body { background: var(--bg); color: var(--text); font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; display: flex; flex-direction: column; min-width: 960px; }
  header.top { display: flex; align-items: center; gap: 14px; padding: 8px 14px; background: var(--panel); border-bottom: 1px solid var(--line); }
  header.top h1 { font-size: 15px; margin: 0 8px 0 0; font-weight: 600; letter-spacing: .02em; }
  header.top h1 span { color: var(--warn); }
  label { color: var(--muted); display: flex; align-items: center; gap: 6px; }
  select { background: #1b2129; color: var(--text); border: 1px solid var(--line); border-radius: 4px; padding: 3px 6px; font: inherit; }
  #state { margin-left: auto; padding: 2px 10px; border-radius: 10px; font-weight: 600; font-size: 12px; background: #2b3139; color: var(--muted); }
  body[data-state="connected"] #state { background: rgba(14,203,129,.15); color: var(--up); }
  body[data-state="down"] #state { background: rgba(246,70,93,.15); color: var(--down); }
  #banner { padding: 7px 14px; font-weight: 600; background: rgba(246,70,93,.14); color: #ff8a98; border-bottom: 1px solid rgba(246,70,93,.35); }
  body[data-state="connecting"] #banner { background: rgba(240,185,11,.12); color: var(--warn); border-color: rgba(240,185,11,.3); }
  #banner[hidden] { display: none; }
  main { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(0, 1fr) 380px; grid-template-rows: minmax(0, 62fr) minmax(0, 38fr); gap: 8px; padding: 8px; }
  .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; display: flex; flex-direction: column; min-height: 0; overflow: hidden; }
  .panel > h2 { margin: 0; padding: 6px 10px; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .07em; color: var(--muted); border-bottom: 1px solid var(--line); display: flex; gap: 10px; }
  .panel > h2 .hint { text-transform: none; letter-spacing: 0; font-weight: 400; margin-left: auto; }
  #chart-panel { grid-column: 1; grid-row: 1; }
  #heatmap-panel { grid-column: 1; grid-row: 2; }
  #tape-panel { grid-column: 2; grid-row: 1; }
  #workflows-panel { grid-column: 2; grid-row: 2; }
  #legend { padding: 5px 10px; font-size: 12px; font-variant-numeric: tabular-nums; border-bottom: 1px solid var(--line); min-height: 26px; }
  #legend .k { color: var(--muted); margin-left: 8px; }
  #legend .k:first-child { margin-left: 0; }
  #chart { flex: 1; min-height: 0; position: relative; }
  #heatmap { flex: 1; min-height: 0; width: 100%; display: block; }
  .scroll { flex: 1; min-height: 0; overflow: auto; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  #tape-panel th { position: sticky; top: 0; background: var(--panel); color: var(--muted); font-weight: 500; text-align: right; padding: 4px 10px; font-size: 11px; }
  #tape-panel th:first-child, #tape td:first-child { text-align: left; color: var(--muted); }
  #tape td { text-align: right; padding: 1px 10px; }
  #tape tr.buy td:nth-child(2) { color: var(--up); }
  #tape tr.sell td:nth-child(2) { color: var(--down); }
  #workflows { padding: 6px 8px; display: flex; flex-direction: column; gap: 8px; }
  .workflow { border: 1px solid var(--line); border-radius: 5px; padding: 6px 8px; background: #151a21; }
  .workflow header { display: flex; justify-content: space-between; gap: 8px; font-weight: 600; }
  .workflow .what, .workflow .reason, .empty { color: var(--muted); font-size: 12px; margin: 2px 0 4px; }
  .workflow .steps td { padding: 1px 4px; font-size: 11.5px; white-space: nowrap; }
  .workflow .steps td.num { text-align: right; }
  .badge { font-size: 11px; font-weight: 600; }
  .badge.running { color: var(--up); }
  .badge.pending { color: var(--warn); }
  .badge.succeeded { color: #5ea1ff; }
  .badge.failed { color: var(--down); }
  .badge.cancelled { color: var(--muted); }
</style>
</head>
<body data-state="connecting">
<header class="top">
  <h1>StreamForge <span>live</span></h1>
  <label>Symbol <select id="symbol"></select></label>
  <label>Interval <select id="interval"></select></label>
  <span id="state">Connecting</span>
</header>
<div id="banner">Connecting…</div>
<main>
  <section class="panel" id="chart-panel"><h2>Candles · VWAP · RSI 14<span class="hint">UTC</span></h2><div id="legend"></div><div id="chart"></div></section>
  <section class="panel" id="heatmap-panel"><h2>Order book depth<span class="hint">size: dark → bright · best bid green · best ask red</span></h2><canvas id="heatmap"></canvas></section>
  <section class="panel" id="tape-panel"><h2>Trades</h2><div class="scroll"><table><thead><tr><th>Time</th><th>Price</th><th>Qty</th></tr></thead><tbody id="tape"></tbody></table></div></section>
  <section class="panel" id="workflows-panel"><h2>Workflows</h2><div class="scroll" id="workflows"></div></section>
</main>
<script src="/app.js"></script>
</body>
</html>
`;
