// The command line as a user meets it: `streamforge run` as a process to the end, and every kind of
// mistake answered with one line and the usage, exit code 2, never a stack trace.
import { freePort } from '../../platform/free-port.ts';
import { describe, expect, it } from 'vitest';
import { streamforge, tempDir } from '../helpers.ts';

const RUN = ['run', '--symbols', 'BTCUSDT', '--types', 'api_candles_5m', '--range', '2024-08-01:2024-08-02'];

describe('streamforge run', () => {
  it('runs a workflow on an embedded platform as a process, shows progress, and exits 0 with the count', async () => {
    const dataDir = await tempDir('sf-cli-');
    const { code, stdout, stderr } = await streamforge([...RUN.slice(0, 4), 'api_candles_5m,api_trades', ...RUN.slice(5)], { DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`running an embedded platform (data in ${dataDir})`);
    expect(stdout).toMatch(/BTCUSDT\s+api_candles_5m\s+arango-connector .* 288\s+succeeded/);
    expect(stdout).toMatch(/Workflow wf-\d{8}-[0-9a-f]{6} succeeded in [\d.]+s: 29,088 records stored in /);
  });

  it('refuses a repeated symbol at once (it used to hang forever) with exit 2', async () => {
    const { code, stderr, ms } = await streamforge(['run', '--symbols', 'BTCUSDT,BTCUSDT', '--types', 'api_trades', '--range', '2024-08-03:2024-08-04']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('streamforge: --symbols (item 2): BTCUSDT is listed twice (also symbols[0]); list each once');
    expect(ms).toBeLessThan(10_000);
  });
});

describe('mistakes on the command line', () => {
  it.each([
    [['run', '--bogus'], "streamforge: Unknown option '--bogus'"],
    [['run', '--symbols'], "streamforge: Option '--symbols <value>' argument missing"],
    [['run', '--types', 'api_trades', '--range', '2024-08-01:2024-08-02'], 'streamforge: --symbols: is required, e.g. --symbols BTCUSDT,ETHUSDT'],
    [
      ['run', '--symbols', 'BTCUSDT', '--types', 'api_trades', '--range', '2024-08-02:2024-08-01'],
      'streamforge: --range: end 2024-08-01 must be after start 2024-08-02 (the range is half-open)',
    ],
    [[...RUN, '--url', 'http://127.0.0.1:1'], 'streamforge: --url: no orchestrator answers at http://127.0.0.1:1'],
    [[...RUN, '--url', 'not a url'], 'streamforge: --url: must be an http(s) URL such as http://127.0.0.1:8080'],
    [['sim', '--port', 'eighty'], 'streamforge: --port: must be a port number from 0 to 65535, not "eighty"'],
    [['sim', '--seed', '1.5'], 'streamforge: --seed: must be a whole number, not "1.5"'],
    [['sim', '--market-path', 'jumps'], 'streamforge: --market-path: must be swings, random-walk or cycles, not "jumps"'],
    [['dummy', 'load', '--rate=-5'], 'streamforge: --rate: must be records per second, 0 or more (0: as fast as the bus takes them), not "-5"'],
    [
      ['dummy', 'load', '--rate', '-5'],
      "streamforge: Option '--rate' argument is ambiguous. Did you forget to specify the option argument for '--rate'? To specify an option argument starting with a dash use '--rate=-XYZ'.",
    ],
    [['dummy', 'load', '--duration', '0'], 'streamforge: --duration: must be seconds, more than 0, not "0"'],
    [['dummy', 'fly'], 'streamforge: dummy takes check or load, not "fly"'],
    [
      ['fn', 'nope'],
      'streamforge: unknown function "nope"; one of orchestrator, loader, loader-ws, persister, graph-builder, gnn-trainer, rl-agent, rl-agent-live, backtester, exchange-sim, dummy, visualizer',
    ],
    [['launch'], 'streamforge: unknown command "launch"'],
  ])('%j: one line, the usage, exit 2', async (args, line) => {
    const { code, stderr, stdout } = await streamforge(args);
    expect(code).toBe(2);
    const lines = stderr.split('\n');
    expect(lines[0]).toBe(line);
    expect(stderr).toContain('Usage: streamforge <command> [options]');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).toBe('');
  });

  it('prints the usage for --help and exits 0', async () => {
    const { code, stdout } = await streamforge(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: streamforge <command> \[options\]/);
  });
});
