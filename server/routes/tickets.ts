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
import { drafts, tickets } from '../../drizzle/schema/tickets.ts'
import type { TicketEvent } from '../../machines/ticket.machine.ts'
import { currentLabels, recordCorrection } from '../corrections.ts'
import type { AuthVariables } from '../http/auth.ts'
import { limitBody, param, readBody } from '../http/body.ts'
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
const AssignBody = z.strictObject({ assignee: z.string().trim().min(1).max(120).nullable() })
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
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
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
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
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
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
    const body = await readBody(c, ClassificationBody, 'classification')
    const by = c.get('auth').operator
    return act(c, ticket, { type: 'RECLASSIFY', ...body, by }, async (tx) => {
      await recordCorrection(tx, outbox, { tenantId: ticket.tenantId, ticketId: ticket.id, labels: body, by })
    })
  })

  app.post('/:ticket/draft/reject', async (c) => {
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
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
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
    await readBody(c, Empty, 'take-over', { allowEmpty: true })
    return act(c, ticket, { type: 'TAKE_OVER', by: c.get('auth').operator })
  })

  app.post('/:ticket/hand-back', async (c) => {
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
    await readBody(c, Empty, 'hand-back', { allowEmpty: true })
    return act(c, ticket, { type: 'HAND_BACK', by: c.get('auth').operator })
  })

  app.post('/:ticket/reply', async (c) => {
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
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
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
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
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
    const body = await readBody(c, AssignBody, 'assignment')
    return act(c, ticket, { type: 'ASSIGN', assignee: body.assignee, by: c.get('auth').operator })
  })

  app.post('/:ticket/status', async (c) => {
    const ticket = await findTicket(db, c.get('auth').tenantId, param(c, 'ticket', TicketRef))
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
