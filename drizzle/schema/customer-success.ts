// What the agents learn about gaps and customers: questions the Library could not answer, stored
// health scores (computed by the customer-success jobs), and labelled examples from operators.
import { index, integer, jsonb, pgTable, real, text, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.ts'
import { contacts } from './contacts.ts'
import { libraryPassages } from './library.ts'
import { tenantRef } from './tenants.ts'
import { tickets } from './tickets.ts'

/** A customer question the Library did not answer well enough: the raw material of a knowledge-gap digest. */
export const knowledgeGaps = pgTable(
  'knowledge_gaps',
  {
    id: id(),
    tenantId: tenantRef(),
    ticketId: uuid().references(() => tickets.id, { onDelete: 'set null' }),
    question: text().notNull(),
    bestPassageId: uuid().references(() => libraryPassages.id, { onDelete: 'set null' }),
    bestScore: real().notNull(),
    /** One gap per ticket turn, however often the turn's effects are replayed. */
    idempotencyKey: text().notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index('knowledge_gaps_tenant_time').on(t.tenantId, t.createdAt)],
)

export type RiskLevel = 'critical' | 'high' | 'medium' | 'low'

/** Health score history per contact (0–100); the latest row is the current score. */
export const healthScores = pgTable(
  'health_scores',
  {
    id: id(),
    tenantId: tenantRef(),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    score: integer().notNull(),
    risk: text().$type<RiskLevel>().notNull(),
    components: jsonb().$type<Record<string, number>>().notNull().default({}),
    computedAt: createdAt(),
  },
  (t) => [index('health_scores_contact_time').on(t.contactId, t.computedAt)],
)

/**
 * Labelled messages a tenant adds to the shipped training data: their own examples, and operators'
 * corrections (re-categorising a ticket, rewriting a draft). The local model retrains on them.
 */
export const trainingExamples = pgTable(
  'training_examples',
  {
    id: id(),
    tenantId: tenantRef(),
    text: text().notNull(),
    /** Head → label, e.g. { category: 'bug_report' }; only the heads the example speaks for. */
    labels: jsonb().$type<Record<string, string>>().notNull(),
    source: text().$type<'tenant' | 'correction'>().notNull(),
    /** For a rewritten draft: the reply the operator sent instead (kept for evals and few-shot prompts). */
    reply: text(),
    ticketId: uuid().references(() => tickets.id, { onDelete: 'set null' }),
    createdBy: text(),
    createdAt: createdAt(),
  },
  (t) => [index('training_examples_tenant').on(t.tenantId, t.createdAt)],
)
