// log_knowledge_gap: remember a question the Library could not answer well, for the team's
// knowledge-gap digest (what to write next).
import { z } from 'zod'
import { knowledgeGaps } from '../drizzle/schema/customer-success.ts'
import { defineTool } from './define-tool.ts'

export const logKnowledgeGap = defineTool({
  name: 'log_knowledge_gap',
  description:
    'Record a customer question the Library does not answer, with the closest passage and its score.',
  input: z.object({
    question: z.string().trim().min(1).max(4000),
    bestPassageId: z.uuid().nullable().default(null),
    bestScore: z.number().min(0).max(1),
  }),
  output: z.object({ logged: z.boolean() }),
  changesWorld: true,
  async run(context, input) {
    const inserted = await context.db
      .insert(knowledgeGaps)
      .values({
        tenantId: context.tenantId,
        ticketId: context.ticket?.id ?? null,
        question: input.question,
        bestPassageId: input.bestPassageId,
        bestScore: input.bestScore,
        idempotencyKey: `${context.ticket?.id ?? context.tenantId}:${context.idempotencyKey}`,
      })
      .onConflictDoNothing()
      .returning({ id: knowledgeGaps.id })
    return { logged: inserted.length > 0 }
  },
})
