// WebSocket helpers for tests: wait for a client socket to open, or read the answer of an upgrade that was refused.
import { WebSocket } from 'ws';

/**
 * Resolves once the socket is open; rejects if the connection fails. Attach message listeners before
 * waiting: frames that came with the upgrade are delivered right after 'open'.
 */
export function opened(socket: WebSocket): Promise<WebSocket> {
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

/** Every JSON message a socket receives, in order, in a growing list; `close()` ends it. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON messages
export async function openSocketMessages(url: string): Promise<any[] & { close(): void }> {
  const socket = new WebSocket(url);
  const messages = Object.assign([] as unknown[], { close: () => socket.close() });
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  await opened(socket);
  return messages;
}
