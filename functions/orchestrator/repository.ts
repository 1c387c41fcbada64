// Workflows in the store: encoded to their wire form with the contract schema on the way in, decoded on
// the way out, with a link from each queue_id to its workflow and the storage-only fields queries need.
import { z } from 'zod';
import { type Workflow, type WorkflowStatus, workflowSchema } from '../../shared/contracts/workflow.ts';
import type { Store } from '../../shared/ports/store.ts';

const WORKFLOWS = 'workflows';
const QUEUES = 'workflow_queues';

interface StorageFields {
  readonly _key: string;
  /** Creation time as a number, to list newest first. */
  readonly created_ms: number;
  /** When the data topics are due for deletion; null once deleted or while the workflow runs. */
  readonly topics_due_ms: number | null;
}

type StoredWorkflow = StorageFields & z.input<typeof workflowSchema>;

function decode(stored: StoredWorkflow): Workflow {
  const { _key, created_ms, topics_due_ms, ...wire } = stored;
  return workflowSchema.parse(wire);
}

export class WorkflowRepository {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async get(id: string): Promise<Workflow | undefined> {
    const stored = await this.store.get<StoredWorkflow>(WORKFLOWS, id);
    return stored && decode(stored);
  }

  async list(filter: { status?: WorkflowStatus; limit?: number } = {}): Promise<Workflow[]> {
    const where = filter.status ? { status: filter.status } : undefined;
    const found = await this.store.query<StoredWorkflow>(WORKFLOWS, { field: 'created_ms', order: 'desc', limit: filter.limit ?? 100, ...(where ? { where } : {}) });
    return found.map(decode);
  }

  /** Ended workflows whose data topics are due for deletion by `now`. */
  async topicsDue(now: number): Promise<Workflow[]> {
    return (await this.store.query<StoredWorkflow>(WORKFLOWS, { field: 'topics_due_ms', from: 0, to: now + 1, limit: 100 })).map(decode);
  }

  async create(workflow: Workflow): Promise<void> {
    const queues = [...new Set(workflow.steps.map((s) => s.queue_id))];
    await this.store.upsert(
      QUEUES,
      queues.map((queue) => ({ _key: queue, workflow_id: workflow.id })),
    );
    await this.save(workflow);
  }

  async byQueue(queueId: string): Promise<Workflow | undefined> {
    const link = await this.store.get<{ _key: string; workflow_id: string }>(QUEUES, queueId);
    return link && this.get(link.workflow_id);
  }

  async save(workflow: Workflow): Promise<void> {
    const due = workflow.data_topics.deleted || !workflow.data_topics.delete_after ? null : Date.parse(workflow.data_topics.delete_after);
    const stored: StoredWorkflow = { _key: workflow.id, created_ms: Date.parse(workflow.created_at), topics_due_ms: due, ...z.encode(workflowSchema, workflow) };
    await this.store.upsert(WORKFLOWS, [stored]);
  }
}
