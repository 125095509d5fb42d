// Operator actions on a ticket. Each is one event dispatched through the ticket host, so it is
// applied in order with everything else on that ticket and lands in the audit trail with the operator.
import { randomUUID } from 'node:crypto'
import { and, desc, eq } from 'drizzle-orm'
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { LabelledMessageSchema } from '../../agents/local/triage-model.ts'
import { AtlasError } from '../../common/errors.ts'
import type { Executor, Tx } from '../../drizzle/database.ts'
import { conversations } from '../../drizzle/schema/conversations.ts'
import { tags } from '../../drizzle/schema/team.ts'
import { drafts, tickets } from '../../drizzle/schema/tickets.ts'
import type { TicketEvent } from '../../machines/ticket.machine.ts'
import { findMember } from '../auth/users.ts'
import { currentLabels, recordCorrection } from '../corrections.ts'
import type { AuthVariables, Principal } from '../http/auth.ts'
import { limitBody, param, readBody } from '../http/body.ts'
import { Priority, TagName } from '../http/fields.ts'
import { assertWindowOpen, renderTemplate } from '../messaging-window.ts'
import type { Runtime } from '../runtime.ts'
import { consistentRead, ticketDetails, ticketSummary } from '../views/conversation.ts'

type Env = { Variables: AuthVariables }

/** `TKT-10042` or the ticket's UUID. */
const TicketRef = z.union([z.uuid(), z.string().regex(/^TKT-\d{1,9}$/i)], {
  error: 'must be a ticket id or number like TKT-10042',
})
const Text = z.string().trim().min(1, 'must not be empty').max(10_000)
const Empty = z.strictObject({})
const ApproveBody = z.strictObject({ draftId: z.uuid().optional() })
const SendBody = z.strictObject({ text: Text, draftId: z.uuid().optional() })
const RejectBody = z.strictObject({
  reason: z.string().trim().min(1).max(500).optional(),
  draftId: z.uuid().optional(),
})
const ReplyBody = z.strictObject({ text: Text })
/** A teammate's id or email, `me` (the caller), or null to unassign. */
const AssignBody = z.strictObject({ assignee: z.string().trim().min(1).max(320).nullable() })
const TagsBody = z
  .strictObject({ add: z.array(TagName).max(20).default([]), remove: z.array(TagName).max(20).default([]) })
  .refine((b) => b.add.length + b.remove.length > 0, 'name at least one tag to add or remove')
const PriorityBody = z.strictObject({ priority: Priority })
const NoteBody = z.strictObject({ text: Text })
const ClassificationBody = z
  .strictObject({
    category: LabelledMessageSchema.shape.category.optional(),
    intent: LabelledMessageSchema.shape.intent.optional(),
    urgency: LabelledMessageSchema.shape.urgency.optional(),
  })
  .refine((b) => b.category || b.intent || b.urgency, 'name at least one of category, intent, urgency')
const TemplateBody = z.strictObject({
  name: z.string().trim().min(1).max(512),
  language: z.string().trim().min(2).max(15).optional(),
  parameters: z.array(z.string().max(1024)).max(20).default([]),
})
const StatusBody = z.strictObject({
  status: z.enum(['pending', 'in_progress', 'resolved', 'closed']),
  reason: z.string().trim().min(1).max(500).optional(),
})

export function ticketRoutes(runtime: Pick<Runtime, 'database' | 'host' | 'jobs'>) {
  const { database, host } = runtime
  const outbox = runtime.jobs.outbox
  const db = database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(64 * 1024))

  /** Dispatches an operator's event and answers with the ticket as it is now. */
  const act = async (
    c: Context<Env>,
    ticket: TicketRow,
    event: TicketEvent,
    within?: (tx: Tx) => Promise<void>,
  ) => {
    const idempotencyKey = c.req.header('idempotency-key')
    const result = await host.dispatch(ticket.id, event, {
      actor: { kind: 'human', id: c.get('auth').operator },
      rejectIfIgnored: true,
      ...(idempotencyKey ? { idempotencyKey: `api:${idempotencyKey.slice(0, 200)}` } : {}),
      ...(within ? { within: (tx) => within(tx) } : {}),
    })
    const [updated] = await db.select().from(tickets).where(eq(tickets.id, ticket.id))
    return c.json({ outcome: result.outcome, ticket: ticketSummary(updated!) })
  }

  app.get('/:ticket', async (c) => {
    const ref = param(c, 'ticket', TicketRef)
    const view = await consistentRead(db, async (tx) => {
      const ticket = await findTicket(tx, c.get('auth').tenantId, ref)
      return {
        ticket: ticketSummary(ticket),
        conversationId: ticket.conversationId,
        ...(await ticketDetails(tx, ticket)),
      }
    })
    return c.json(view)
  })

  app.post('/:ticket/draft/approve', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, ApproveBody, 'approval', { allowEmpty: true })
    const draftId = await pendingDraft(db, ticket.id, body.draftId)
    await assertWindowOpen(db, ticket.conversationId, `TKT-${ticket.number}`)
    return act(c, ticket, {
      type: 'DRAFT_APPROVE',
      draftId,
      messageId: randomUUID(),
      by: c.get('auth').operator,
    })
  })

  app.post('/:ticket/draft/send', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, SendBody, 'edited draft')
    const draftId = await pendingDraft(db, ticket.id, body.draftId)
    await assertWindowOpen(db, ticket.conversationId, `TKT-${ticket.number}`)
    const by = c.get('auth').operator
    // The operator answered it: the labels stand and the message was answerable. That, and the
    // reply they wrote, becomes a training example.
    return act(
      c,
      ticket,
      { type: 'DRAFT_SEND', draftId, messageId: randomUUID(), text: body.text, by },
      async (tx) => {
        const labels = await currentLabels(tx, ticket.id)
        await recordCorrection(tx, outbox, {
          tenantId: ticket.tenantId,
          ticketId: ticket.id,
          labels,
          reply: body.text,
          by,
        })
      },
    )
  })

  app.post('/:ticket/classification', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, ClassificationBody, 'classification')
    const by = c.get('auth').operator
    return act(c, ticket, { type: 'RECLASSIFY', ...body, by }, async (tx) => {
      await recordCorrection(tx, outbox, { tenantId: ticket.tenantId, ticketId: ticket.id, labels: body, by })
    })
  })

  app.post('/:ticket/draft/reject', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, RejectBody, 'rejection', { allowEmpty: true })
    const draftId = await pendingDraft(db, ticket.id, body.draftId)
    return act(c, ticket, {
      type: 'DRAFT_REJECT',
      draftId,
      by: c.get('auth').operator,
      ...(body.reason ? { reason: body.reason } : {}),
    })
  })

  app.post('/:ticket/take-over', async (c) => {
    const ticket = await ticketInPath(c, db)
    await readBody(c, Empty, 'take-over', { allowEmpty: true })
    return act(c, ticket, { type: 'TAKE_OVER', by: c.get('auth').operator })
  })

  app.post('/:ticket/hand-back', async (c) => {
    const ticket = await ticketInPath(c, db)
    await readBody(c, Empty, 'hand-back', { allowEmpty: true })
    return act(c, ticket, { type: 'HAND_BACK', by: c.get('auth').operator })
  })

  app.post('/:ticket/reply', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, ReplyBody, 'reply')
    await assertWindowOpen(db, ticket.conversationId, `TKT-${ticket.number}`)
    return act(c, ticket, {
      type: 'HUMAN_REPLY',
      messageId: randomUUID(),
      text: body.text,
      by: c.get('auth').operator,
    })
  })

  // An approved template: allowed whenever; outside the window the conversation then waits in Outgoing.
  app.post('/:ticket/template', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, TemplateBody, 'template')
    const { template, text } = await renderTemplate(db, ticket.conversationId, body)
    const by = c.get('auth').operator
    return act(
      c,
      ticket,
      { type: 'HUMAN_REPLY', messageId: randomUUID(), text, by, template },
      async (tx) => {
        await tx
          .update(conversations)
          .set({ inbox: 'outgoing', updatedAt: new Date() })
          .where(and(eq(conversations.id, ticket.conversationId), eq(conversations.inbox, 'expired')))
      },
    )
  })

  app.post('/:ticket/assign', async (c) => {
    const auth = c.get('auth')
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, AssignBody, 'assignment')
    const assignee = await resolveAssignee(db, auth, body.assignee)
    if (assignee === ticket.assignee) return unchanged(c, ticket)
    return act(c, ticket, { type: 'ASSIGN', assignee, by: auth.operator })
  })

  app.post('/:ticket/tags', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, TagsBody, 'tags')
    const add = body.add.filter((t) => !ticket.tags.includes(t))
    const remove = body.remove.filter((t) => ticket.tags.includes(t))
    if (add.length + remove.length === 0) return unchanged(c, ticket)
    return act(c, ticket, { type: 'TAG', add, remove, by: c.get('auth').operator }, async (tx) => {
      // New names join the workspace's tag list, so they are offered next time.
      if (add.length) {
        await tx
          .insert(tags)
          .values(add.map((name) => ({ tenantId: ticket.tenantId, name })))
          .onConflictDoNothing()
      }
    })
  })

  app.post('/:ticket/priority', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, PriorityBody, 'priority')
    if (body.priority === ticket.priority) return unchanged(c, ticket)
    return act(c, ticket, { type: 'SET_PRIORITY', priority: body.priority, by: c.get('auth').operator })
  })

  // An internal note: part of the thread for the team, never sent to the customer.
  app.post('/:ticket/notes', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, NoteBody, 'note')
    return act(c, ticket, {
      type: 'NOTE',
      messageId: randomUUID(),
      text: body.text,
      by: c.get('auth').operator,
    })
  })

  app.post('/:ticket/status', async (c) => {
    const ticket = await ticketInPath(c, db)
    const body = await readBody(c, StatusBody, 'status change')
    const by = c.get('auth').operator
    const event: TicketEvent =
      body.status === 'resolved'
        ? { type: 'RESOLVE', by }
        : body.status === 'closed'
          ? { type: 'CLOSE', by }
          : body.status === 'pending'
            ? { type: 'MARK_PENDING', by, ...(body.reason ? { reason: body.reason } : {}) }
            : ticket.status === 'resolved'
              ? { type: 'REOPEN', by }
              : { type: 'TAKE_OVER', by }
    return act(c, ticket, event)
  })

  return app
}

type TicketRow = typeof tickets.$inferSelect

/** Asking for what is already so is not an error: the ticket as it is, nothing recorded. */
function unchanged(c: Context<Env>, ticket: TicketRow) {
  return c.json({ outcome: 'unchanged', ticket: ticketSummary(ticket) })
}

/** `me`, a teammate's id or email → the user id stored as assignee; API keys may name anyone by header. */
async function resolveAssignee(db: Executor, auth: Principal, ref: string | null): Promise<string | null> {
  if (ref === null) return null
  if (ref === 'me') {
    if (!auth.userId) {
      throw new AtlasError(
        'validation_failed',
        '"me" needs a signed-in person; an API key should name the assignee',
      )
    }
    return auth.userId
  }
  const member = await findMember(db, auth.tenantId, ref)
  if (!member || member.disabledAt) {
    throw new AtlasError('validation_failed', `Nobody on this team is ${ref}`, {
      issues: [{ path: 'assignee', message: 'must be a teammate\'s id or email, "me" or null' }],
    })
  }
  return member.id
}

/** The ticket the path names (`:ticket`, TKT-10042 or a UUID), of the caller's tenant, or 404. */
export function ticketInPath(c: Context<Env>, db: Executor): Promise<TicketRow> {
  return findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
}

export async function findTicket(db: Executor, tenantId: string, ref: string): Promise<TicketRow> {
  const number = /^TKT-(\d+)$/i.exec(ref)
  const [ticket] = await db
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.tenantId, tenantId),
        number ? eq(tickets.number, Number(number[1])) : eq(tickets.id, ref),
      ),
    )
  if (!ticket) throw new AtlasError('not_found', `Ticket ${ref} does not exist`)
  return ticket
}

async function pendingDraft(db: Executor, ticketId: string, draftId: string | undefined): Promise<string> {
  const [draft] = await db
    .select({ id: drafts.id })
    .from(drafts)
    .where(
      and(
        eq(drafts.ticketId, ticketId),
        eq(drafts.status, 'pending'),
        ...(draftId ? [eq(drafts.id, draftId)] : []),
      ),
    )
    .orderBy(desc(drafts.createdAt))
    .limit(1)
  if (!draft) {
    throw new AtlasError(
      'invalid_transition',
      draftId ? `Draft ${draftId} is not awaiting approval` : 'No draft is awaiting approval on this ticket',
    )
  }
  return draft.id
}
