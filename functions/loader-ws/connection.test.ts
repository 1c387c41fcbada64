// The stream connection against a WebSocket peer the test scripts frame by frame: what it skips, when it
// reconnects, and how it hands over to a new connection without a pause.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { until } from '../../test/helpers.ts';
import { type ConnectionNotice, type Frame, StreamConnection } from './connection.ts';

const STREAM = 'ethusdt@aggTrade';
const trade = (a: number) => JSON.stringify({ stream: STREAM, data: { e: 'aggTrade', a } });

let server: WebSocketServer | undefined;
let connection: StreamConnection | undefined;
afterEach(async () => {
  connection?.close();
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = connection = undefined;
});

async function peer(onClient: (socket: WebSocket, index: number) => void) {
  let index = 0;
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server.on('connection', (socket) => onClient(socket, index++));
  await new Promise((resolve) => server!.once('listening', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function follow(baseUrl: string, options: Partial<ConstructorParameters<typeof StreamConnection>[0]> = {}) {
  const frames: Frame[] = [];
  const notices: ConnectionNotice[] = [];
  connection = new StreamConnection({
    baseUrl,
    streams: [STREAM],
    onFrame: (f) => frames.push(f),
    onNotice: (n) => notices.push(n),
    minBackoffMs: 10,
    maxBackoffMs: 50,
    ...options,
  });
  return { frames, notices };
}

describe('StreamConnection', () => {
  it('asks for its streams in the combined form, and skips what is not JSON or not one of its streams', async () => {
    const urls: string[] = [];
    const url = await peer((socket) => {
      socket.send('not json at all');
      socket.send(JSON.stringify({ stream: 'btcusdt@aggTrade', data: { e: 'aggTrade', a: 9 } }));
      socket.send(JSON.stringify({ result: null, id: 1 }));
      socket.send(trade(1));
    });
    server!.on('connection', (_socket, request) => urls.push(request.url ?? ''));
    const { frames, notices } = follow(url);
    await until('the valid frame', () => frames.length === 1);
    expect(urls).toEqual([`/stream?streams=${STREAM}`]);
    expect(frames[0]).toMatchObject({ stream: STREAM, data: { e: 'aggTrade', a: 1 } });
    expect(notices.filter((n) => n.kind === 'bad-frame')).toEqual([
      { kind: 'bad-frame', reason: 'not JSON', text: 'not json at all' },
      { kind: 'bad-frame', reason: 'unknown stream btcusdt@aggTrade', text: expect.stringContaining('btcusdt') },
    ]);
  });

  it('reconnects after a drop, with a pause that grows and is jittered', async () => {
    const url = await peer((socket, index) => {
      if (index < 3) socket.terminate();
      else socket.send(trade(index));
    });
    const { frames, notices } = follow(url);
    await until('a frame after three drops', () => frames.length === 1);
    const drops = notices.filter((n) => n.kind === 'dropped');
    expect(drops).toHaveLength(3);
    for (const drop of drops) expect(drop.kind === 'dropped' && drop.reconnectInMs).toBeGreaterThanOrEqual(10);
    expect(frames[0]!.data).toMatchObject({ a: 3 });
  });

  it('on serverShutdown opens a new connection and switches when it delivers, closing the old one', async () => {
    const sockets: WebSocket[] = [];
    const url = await peer((socket, index) => {
      sockets.push(socket);
      if (index === 0) {
        socket.send(trade(1));
        socket.send(JSON.stringify({ stream: STREAM, data: { e: 'serverShutdown', E: 1 } }));
        setTimeout(() => socket.send(trade(2)), 50); // still delivered: the new one has not delivered yet
      } else setTimeout(() => socket.send(trade(3)), 100);
    });
    const { frames, notices } = follow(url);
    await until('the new connection delivering', () => frames.length === 3);
    expect(frames.map((f) => f.data.a)).toEqual([1, 2, 3]);
    expect(notices.map((n) => n.kind)).toEqual(['open', 'rotating', 'open']);
    await until('the old connection closed', () => sockets[0]!.readyState === sockets[0]!.CLOSED);
    expect(notices.some((n) => n.kind === 'dropped')).toBe(false);
  });

  it('rotates before its lifetime ends, and treats a silent connection as dead', async () => {
    const url = await peer((socket, index) => {
      if (index === 0) socket.send(trade(1));
      if (index === 1) setTimeout(() => socket.send(trade(2)), 20);
      // Then every connection stays silent, without even a ping: the watchdog ends the active one.
    });
    const { frames, notices } = follow(url, { rotateAfterMs: 200, silenceMs: 400 });
    await until('the rotated connection delivering', () => frames.length === 2);
    expect(notices.filter((n) => n.kind === 'rotating')).toEqual([{ kind: 'rotating', why: 'lifetime' }]);
    await until('the silent third connection dropped', () => notices.some((n) => n.kind === 'dropped'), 5000);
  });
});
