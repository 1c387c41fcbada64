// A WebSocket upgrade refused before the handshake: an HTTP answer with the JSON error body every other
// route gives, written on the raw socket (Hono's onError never sees an upgrade).
import type { Duplex } from 'node:stream';

const REASONS: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 503: 'Service Unavailable' };

export function refuseUpgrade(socket: Duplex, status: 400 | 404 | 503, body: { readonly error: string; readonly field?: string }): void {
  const text = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
}
