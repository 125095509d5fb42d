// Operators' corrections become training examples: re-categorising a ticket labels the message the
// agent classified; sending an edited draft confirms the labels and that the message was answerable
// (and keeps the reply). Each is written in the operator's transaction and queues a retrain.
import { and, asc, desc, eq } from 'drizzle-orm'
import type { Tx } from '../drizzle/database.ts'
import { messages } from '../drizzle/schema/conversations.ts'
import { trainingExamples } from '../drizzle/schema/customer-success.ts'
import { agentDecisions, tickets } from '../drizzle/schema/tickets.ts'
import type { Outbox } from '../machines/host/outbox.ts'

export interface Correction {
  tenantId: string
  ticketId: string
  labels: Record<string, string>
  reply?: string | undefined
  by: string
}

export async function recordCorrection(tx: Tx, outbox: Outbox, correction: Correction): Promise<boolean> {
  const text = await classifiedText(tx, correction.ticketId)
  if (!text) return false
  await tx.insert(trainingExamples).values({
    tenantId: correction.tenantId,
    text,
    labels: correction.labels,
    source: 'correction',
    reply: correction.reply ?? null,
    ticketId: correction.ticketId,
    createdBy: correction.by,
  })
  await outbox.retrain(tx, { tenantId: correction.tenantId })
  return true
}

/** The customer message the agent's latest decision answered (else the ticket's first one). */
async function classifiedText(tx: Tx, ticketId: string): Promise<string | null> {
  const [decided] = await tx
    .select({ body: messages.body })
    .from(agentDecisions)
    .innerJoin(messages, eq(messages.id, agentDecisions.messageId))
    .where(eq(agentDecisions.ticketId, ticketId))
    .orderBy(desc(agentDecisions.turn))
    .limit(1)
  if (decided) return decided.body
  const [first] = await tx
    .select({ body: messages.body })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.direction, 'inbound')))
    .orderBy(asc(messages.createdAt))
    .limit(1)
  return first?.body ?? null
}

/** The ticket's current labels, which an edited draft confirms. */
export async function currentLabels(tx: Tx, ticketId: string): Promise<Record<string, string>> {
  const [row] = await tx
    .select({ category: tickets.category, intent: tickets.intent, urgency: tickets.urgency })
    .from(tickets)
    .where(eq(tickets.id, ticketId))
  const labels: Record<string, string> = { action: 'answer' }
  for (const [head, label] of Object.entries(row ?? {})) if (label) labels[head] = label
  return labels
}
