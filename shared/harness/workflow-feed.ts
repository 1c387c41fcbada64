// Follows the orchestrator: where every workflow stands (GET /workflows) each time its `/ws` connects,
// then the changes the socket sends. A lost or silent connection is retried with jittered backoff; the
// workflows last seen are kept meanwhile, so live data goes on flowing while the orchestrator is away.
import WebSocket from 'ws';
import { z } from 'zod';
import { type Workflow, isTerminal, workflowSchema } from '../contracts/workflow.ts';
import { type WorkflowSocketMessage, applyChange, workflowSocketMessageSchema } from '../contracts/workflow-socket.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { backoffDelay } from '../retry.ts';

const listSchema = z.object({ workflows: z.array(workflowSchema) });
/** Ended workflows still shown, newest first. */
const ENDED_KEPT = 10;
const LISTED = 100;
const PING_EVERY_MS = 15_000;

export interface WorkflowFeedOptions {
  /** The orchestrator's base URL. */
  readonly url: string;
  readonly logger: Logger;
  /** Workflows that changed; `all` after a reconnect, when they replace every one known. */
  readonly onWorkflows: (changed: readonly Workflow[], all: boolean) => void;
  /** The orchestrator became reachable, or was lost (with why). */
  readonly onState: (up: boolean, reason: string | null) => void;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export class WorkflowFeed {
  private readonly options: WorkflowFeedOptions;
  private readonly known = new Map<string, Workflow>();
  private socket: WebSocket | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  up = false;
  reason: string | null = 'connecting to the orchestrator';

  constructor(options: WorkflowFeedOptions) {
    this.options = options;
  }

  start(): void {
    this.connect();
  }

  /** Running workflows, then the last ones that ended; newest first in each. */
  workflows(): Workflow[] {
    const newest = [...this.known.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
    return [...newest.filter((w) => !isTerminal(w.status)), ...newest.filter((w) => isTerminal(w.status)).slice(0, ENDED_KEPT)];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.terminate();
    await closed;
  }

  private connect(): void {
    const socket = new WebSocket(`${this.options.url.replace(/^http/, 'ws')}/ws`, { handshakeTimeout: 5_000 });
    this.socket = socket;
    let alive = true;
    const heartbeat = setInterval(() => {
      // A connection that answers no ping is dead even if no FIN arrived (a node that vanished).
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, PING_EVERY_MS);
    socket.on('pong', () => (alive = true));
    socket.on('open', () => {
      this.refresh().then(
        () => {
          this.failures = 0;
          this.setState(true, null);
        },
        (error: unknown) => {
          this.reason = `GET /workflows failed: ${errorMessage(error)}`;
          socket.terminate();
        },
      );
    });
    socket.on('message', (data) => this.receive(String(data)));
    socket.on('error', (error) => (this.reason = `orchestrator at ${this.options.url} unreachable: ${errorMessage(error)}`));
    socket.on('close', () => {
      clearInterval(heartbeat);
      if (this.stopped) return;
      this.setState(false, this.reason ?? `lost the orchestrator at ${this.options.url}`);
      // The first failure is worth a warning; the retries after it, until one succeeds, are not.
      const log = this.failures === 0 ? this.options.logger.warn.bind(this.options.logger) : this.options.logger.debug.bind(this.options.logger);
      const pause = backoffDelay(this.failures++, this.options.minBackoffMs ?? 500, this.options.maxBackoffMs ?? 15_000);
      log({ url: this.options.url, reason: this.reason, pause }, 'orchestrator socket closed; connecting again');
      this.retry = setTimeout(() => this.connect(), pause);
    });
  }

  private setState(up: boolean, reason: string | null): void {
    const changed = this.up !== up;
    this.up = up;
    this.reason = reason;
    if (changed) this.options.onState(up, reason);
  }

  /** Where each workflow stands now: the list replaces what was known, since changes may have been missed. */
  private async refresh(): Promise<void> {
    const listed = listSchema.parse(await this.getJson(`/workflows?limit=${LISTED}`)).workflows;
    this.known.clear();
    for (const workflow of listed) this.known.set(workflow.id, workflow);
    this.options.onWorkflows(this.workflows(), true);
  }

  private receive(text: string): void {
    const message = parseMessage(text);
    if (!message) {
      this.options.logger.warn({ text: text.slice(0, 200) }, 'the orchestrator sent a message this visualizer does not know; ignored');
    } else if (message.type === 'snapshot') {
      this.put(message.workflow);
    } else {
      const current = this.known.get(message.workflow_id);
      if (current) this.put(applyChange(current, message));
      else this.fetchWorkflow(message.workflow_id);
    }
  }

  /** A change of a workflow this copy has not seen: ask for all of it. */
  private fetchWorkflow(id: string): void {
    this.getJson(`/workflows/${encodeURIComponent(id)}`).then(
      (body) => this.put(workflowSchema.parse(body)),
      (error: unknown) => this.options.logger.warn({ err: error, workflow: id }, 'could not read a changed workflow'),
    );
  }

  private put(workflow: Workflow): void {
    this.known.set(workflow.id, workflow);
    const shown = new Set(this.workflows().map((w) => w.id));
    for (const id of this.known.keys()) if (!shown.has(id)) this.known.delete(id);
    this.options.onWorkflows([workflow], false);
  }

  private async getJson(path: string): Promise<unknown> {
    const response = await fetch(`${this.options.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
    return response.json();
  }
}

function parseMessage(text: string): WorkflowSocketMessage | undefined {
  try {
    return workflowSocketMessageSchema.safeParse(JSON.parse(text)).data;
  } catch {
    return undefined;
  }
}
