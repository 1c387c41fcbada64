/// <reference lib="dom" />
// The workflow panel: running workflows first, then the last that ended, each with its steps, their
// status and progress, as the orchestrator reports them.
import type { WorkflowsMessage } from '../messages.ts';

type WireWorkflow = WorkflowsMessage['workflows'][number];

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

export class WorkflowPanel {
  private readonly container: HTMLElement;
  private readonly workflows = new Map<string, WireWorkflow>();

  constructor(container: HTMLElement) {
    this.container = container;
  }

  get count(): number {
    return this.workflows.size;
  }

  running(): string[] {
    return [...this.workflows.values()].filter((w) => !ENDED.has(w.status)).map((w) => w.id);
  }

  apply(message: WorkflowsMessage): void {
    if (message.all) this.workflows.clear();
    for (const workflow of message.workflows) this.workflows.set(workflow.id, workflow);
    this.render();
  }

  private render(): void {
    const all = [...this.workflows.values()].sort((a, b) => Number(ENDED.has(a.status)) - Number(ENDED.has(b.status)) || b.created_at.localeCompare(a.created_at));
    if (all.length === 0) {
      const empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = 'No workflows yet. Start a live one with POST /workflows on the orchestrator.';
      this.container.replaceChildren(empty);
      return;
    }
    this.container.replaceChildren(...all.map(card));
  }
}

function element(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function card(workflow: WireWorkflow): HTMLElement {
  const node = element('article', 'workflow');
  node.dataset.workflow = workflow.id;
  node.dataset.status = workflow.status;
  const head = element('header', '');
  head.append(element('span', 'id', workflow.id), element('span', `badge ${workflow.status}`, workflow.status));
  node.append(head, element('div', 'what', `${workflow.request.symbols.join(', ')} · ${workflow.request.types.join(', ')}`));
  if (workflow.reason) node.append(element('div', 'reason', workflow.reason));
  const steps = element('table', 'steps');
  for (const step of workflow.steps) {
    const row = document.createElement('tr');
    row.dataset.status = step.status;
    row.append(
      element('td', '', step.target),
      element('td', '', `${step.symbol} ${step.type}`),
      element('td', `badge ${step.status}`, step.status),
      element('td', 'num', step.records_written.toLocaleString('en-US')),
    );
    row.title = step.message;
    steps.append(row);
  }
  node.append(steps);
  return node;
}
