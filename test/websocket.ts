// WebSocket helpers for tests: open a client socket, or read the answer of an upgrade that was refused.
import { WebSocket } from 'ws';

/** Resolves once open; rejects if the connection fails. */
export function openSocket(url: string, options: { autoPong?: boolean } = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, options);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The refused upgrade's status and JSON body; rejects if the upgrade was accepted. */
export function refusedUpgrade(url: string): Promise<{ status: number; body: unknown }> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error(`${url} was accepted`)));
    socket.once('error', () => undefined);
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
  });
}
