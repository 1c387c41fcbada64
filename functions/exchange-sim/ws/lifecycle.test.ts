// Keeping connections alive and letting them go: pings every wsPingIntervalMs, a client that stops
// answering with pongs dropped after wsPongTimeoutMs, and a closed simulator leaves no socket or timer.
import { describe, expect, it } from 'vitest';
import { TestClient, sleep, startSim } from './ws-test-support.ts';

function timeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('WebSocket keep-alive', () => {
  it('pings every interval, keeps clients that pong, drops those that do not', async () => {
    const running = await startSim({ wsPingIntervalMs: 100, wsPongTimeoutMs: 300 });
    try {
      const answering = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
      const silent = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`, { autoPong: false });
      const opened = Date.now();
      // Unsolicited pongs are fine.
      answering.socket.pong();
      const dropped = await silent.closed;
      expect(dropped.code).toBe(1006);
      expect(dropped.at - opened).toBeGreaterThanOrEqual(290);
      expect(dropped.at - opened).toBeLessThan(800);
      expect(silent.pings.length).toBeGreaterThanOrEqual(2);
      await sleep(600 - (Date.now() - opened));
      expect(answering.socket.readyState).toBe(answering.socket.OPEN);
      expect(answering.pings.length).toBeGreaterThanOrEqual(4);
      expect(answering.pings.length).toBeLessThanOrEqual(7);
      await answering.close();
    } finally {
      await running.close();
    }
  });

  it('pings every 20 s and waits a minute for the pong by default', async () => {
    const running = await startSim();
    try {
      expect(running.sim.config.wsPingIntervalMs).toBe(20_000);
      expect(running.sim.config.wsPongTimeoutMs).toBe(60_000);
      expect(running.sim.socketFaults.lifetimeMs).toBe(86_400_000);
    } finally {
      await running.close();
    }
  });
});

describe('closing the simulator', () => {
  it('closes every connection, stops every stream and clears every timer', async () => {
    await sleep(100);
    const before = timeouts();
    const running = await startSim({ speed: 4 });
    const streams = ['ethusdt@aggTrade', 'ethusdt@trade', 'ethusdt@kline_1s', 'btcusdt@kline_1d', 'ethusdt@depth@100ms', 'btcusdt@depth'];
    const raw = await TestClient.open(`${running.wsUrl}/ws/${streams.join('/')}`);
    const combined = await TestClient.open(`${running.wsUrl}/stream?streams=${streams.join('/')}`);
    await running.sim.faults.inject({ kind: 'ws-stall', stream: 'ethusdt@trade', ms: 60_000 });
    await running.sim.faults.inject({ kind: 'ws-shutdown', closeAfterMs: 60_000 });
    await combined.waitFor((b) => b.stream === 'ethusdt@depth@100ms');
    expect(running.sim.feeds.active()).toHaveLength(6);
    expect(timeouts()).toBeGreaterThan(before);
    const started = Date.now();
    await running.close();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await raw.closed).toMatchObject({ code: 1001, reason: 'server shutting down' });
    expect(await combined.closed).toMatchObject({ code: 1001, reason: 'server shutting down' });
    expect(running.sim.feeds.active()).toEqual([]);
    await sleep(20);
    expect(timeouts()).toBe(before);
  });
});
