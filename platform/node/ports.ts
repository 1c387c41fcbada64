// Loopback ports for pods: every container process gets one of its own as $PORT, so pods that all
// declare 8080 never collide. Ports come from below Linux's ephemeral range (32768+), where no outgoing
// connection can be holding them, and are checked free by binding before they are handed out.
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_767;

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export class PortAllocator {
  private readonly taken = new Set<number>();
  private readonly host: string;

  constructor(host: string) {
    this.host = host;
  }

  async allocate(): Promise<number> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
      if (this.taken.has(port)) continue;
      this.taken.add(port);
      if (await bindable(port, this.host)) return port;
      this.taken.delete(port);
    }
    throw new Error(`no free port on ${this.host} between ${LOW} and ${HIGH}`);
  }

  release(port: number): void {
    this.taken.delete(port);
  }
}
