import type { Kysely } from 'kysely';
import { contactHistory } from '../../core/contacts/contact-history.ts';
import type { Database } from '../../core/db/schema.ts';
import { SwitchboardError } from '../../core/errors.ts';
import type { InboxItem } from '../../core/inbox/inbox-item.ts';
import { addTag, assignItem, closeItem, removeTag, reopenItem, setPriority } from '../../core/inbox/item-actions.ts';
import { deletePermanently, listTrash, moveToTrash, restoreFromTrash } from '../../core/inbox/trash.ts';
import { addInternalNote } from '../../core/messages/internal-note.ts';
import type { JobQueue } from '../../core/jobs/job-queue.ts';
import { convertItem } from '../../core/tickets/convert-conversation.ts';
import { replyToTicket } from '../../core/tickets/reply-to-ticket.ts';
import type { ItemAction } from '../state/dashboard-types.ts';

/** The dashboard's writes and the reads that go with them, for one property, through core. */
export interface ItemActionsRunner {
  run(action: ItemAction): Promise<void>;
  /** Writes an agent reply and its outbox email; resolves with the recipient. */
  reply(ref: string, body: string): Promise<{ to: string }>;
  trash(): Promise<InboxItem[]>;
  history(email: string): Promise<InboxItem[]>;
}

/**
 * Runs core's item actions. `jobs` is needed by the actions that queue an email (convert,
 * reply); without it they fail with a message instead of the dashboard doing nothing.
 */
export function itemActionsRunner(db: Kysely<Database>, jobs: JobQueue | undefined, propertyId: string): ItemActionsRunner {
  const queue = (): JobQueue => {
    if (!jobs) throw new SwitchboardError('no_job_queue', 'this dashboard has no job queue: emails cannot be queued from it');
    return jobs;
  };
  return {
    async run(action) {
      const { ref } = action;
      switch (action.kind) {
        case 'close':
          return closeItem(db, propertyId, ref);
        case 'reopen':
          return reopenItem(db, propertyId, ref);
        case 'assign':
          return assignItem(db, propertyId, ref, action.agent);
        case 'tag':
          return addTag(db, propertyId, ref, action.tag);
        case 'untag':
          return removeTag(db, propertyId, ref, action.tag);
        case 'priority':
          return setPriority(db, propertyId, ref, action.priority);
        case 'note':
          await addInternalNote(db, propertyId, ref, { body: action.body });
          return;
        case 'convert':
          await convertItem(db, queue(), propertyId, ref);
          return;
        case 'trash':
          return moveToTrash(db, propertyId, ref);
        case 'restore':
          return restoreFromTrash(db, propertyId, ref);
        case 'delete':
          return deletePermanently(db, propertyId, ref);
      }
    },
    async reply(ref, body) {
      const { outbox } = await replyToTicket(db, queue(), propertyId, ref, { body });
      return { to: outbox.to_address };
    },
    trash: () => listTrash(db, propertyId),
    history: async (email) => (await contactHistory(db, propertyId, email)).items,
  };
}
