// The visualizer when its sources fail: started before the orchestrator exists, it tells its pages the
// orchestrator is down and reconnects by itself once one listens; a bus that stops answering is reported
// too; what a page sends that is not understood is logged and ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../platform/free-port.ts';
import type { LocalPlatform } from '../../platform/local.ts';
import { type PlatformPorts, createPorts } from '../../platform/ports.ts';
import { loadConfig } from '../../shared/config.ts';
import { type ServedApp, serveApp } from '../../shared/http/serve.ts';
import { createLogger } from '../../shared/logger.ts';
import { startTestPlatform, tempDir, until } from '../../test/helpers.ts';
import { type Visualizer, createVisualizer } from './index.ts';
import { PageClient, ofType, storeDay } from './test-support.ts';

describe('visualizer sources', () => {
  const logs: { msg: string; text?: string }[] = [];
  let ports: PlatformPorts;
  let visualizer: Visualizer;
  let http: ServedApp;
  let detach: () => Promise<void>;
  let orchestratorPort: number;
  let orchestrator: LocalPlatform | undefined;

  beforeAll(async () => {
    const logger = createLogger('visualizer', 'warn', { write: (line: string) => logs.push(JSON.parse(line)) });
    ports = await createPorts(loadConfig({ DATA_DIR: await tempDir('sf-visualizer-') }), logger);
    await storeDay(ports.store, 3);
    orchestratorPort = await freePort();
    visualizer = createVisualizer(ports, { orchestratorUrl: `http://127.0.0.1:${orchestratorPort}`, busCheckEveryMs: 50, reconnect: { minMs: 50, maxMs: 200 } });
    visualizer.start();
    http = await serveApp(visualizer.app, 0, '127.0.0.1');
    detach = visualizer.attach(http.server);
  });
  afterAll(async () => {
    await detach?.();
    await http?.close();
    await visualizer?.stop();
    await orchestrator?.stop();
    await ports?.close();
  });

  it('says the orchestrator is down until one listens, then that it is up, and down again when it goes', async () => {
    const page = await PageClient.open(`${http.url.replace('http', 'ws')}/live?symbol=ETHUSDT&interval=1m`);
    const down = await page.next(ofType('source'));
    expect(down).toMatchObject({ orchestrator: 'down', bus: 'up', live: { candles: false, trades: false, depth: false, workflows: [] } });
    expect(down.reason).toContain(`orchestrator at http://127.0.0.1:${orchestratorPort} unreachable: connect ECONNREFUSED`);

    // Counted before the platform starts: its API answers before it has finished starting.
    const seen = page.messages.length;
    orchestrator = await startTestPlatform({ PORT: String(orchestratorPort) });
    expect(
      await page.next(
        ofType('source', (m) => m.orchestrator === 'up'),
        seen,
      ),
    ).toEqual({
      type: 'source',
      orchestrator: 'up',
      bus: 'up',
      live: { candles: false, trades: false, depth: false, workflows: [] },
      reason: null,
    });
    await orchestrator.stop();
    orchestrator = undefined;
    const lost = await page.next(
      ofType('source', (m) => m.orchestrator === 'down'),
      seen,
    );
    expect(lost.reason).toMatch(new RegExp(`^orchestrator at http://127.0.0.1:${orchestratorPort} unreachable|^lost the orchestrator`));
    page.close();
  });

  it('logs and ignores what a page sends that is not JSON or not understood, and answers a ping', async () => {
    const page = await PageClient.open(`${http.url.replace('http', 'ws')}/live?symbol=ETHUSDT&interval=1m`);
    page.send('hello');
    page.send('{"type":"subscribe","symbol":"BTCUSDT"}');
    page.send('{"type":"ping"}');
    await page.next(ofType('pong'));
    expect(logs.filter((line) => line.msg.startsWith('a page sent'))).toEqual([
      expect.objectContaining({ msg: 'a page sent a message the visualizer does not understand; ignored', text: 'hello' }),
      expect.objectContaining({ msg: 'a page sent a message the visualizer does not understand; ignored', text: '{"type":"subscribe","symbol":"BTCUSDT"}' }),
    ]);
    page.close();
  });

  it('says the bus is down when it stops answering', async () => {
    const page = await PageClient.open(`${http.url.replace('http', 'ws')}/live?symbol=ETHUSDT&interval=1m`);
    await page.next(ofType('source'));
    await ports.bus.close();
    expect(await page.next(ofType('source', (m) => m.bus === 'down'))).toMatchObject({ bus: 'down', reason: 'bus embedded: bus is closed' });
    await until('the bus change logged', () => logs.some((line) => line.msg === 'bus state changed'));
    page.close();
  });
});
