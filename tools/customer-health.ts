// customer_health: the customer's current health score and risk level, as last computed by the
// customer-success jobs (read-only; null when none has been computed yet).
import { and, desc, eq } from 'drizzle-orm'
import { z } from 'zod'
import { healthScores } from '../drizzle/schema/customer-success.ts'
import { defineTool } from './define-tool.ts'

export const customerHealth = defineTool({
  name: 'customer_health',
  description: "Read the customer's health score (0–100) and risk level (critical, high, medium, low).",
  input: z.object({ contactId: z.uuid() }),
  output: z.object({
    score: z.number().int().min(0).max(100).nullable(),
    risk: z.enum(['critical', 'high', 'medium', 'low']).nullable(),
    components: z.record(z.string(), z.number()),
    computedAt: z.string().nullable(),
  }),
  async run(context, input) {
    const [latest] = await context.db
      .select()
      .from(healthScores)
      .where(and(eq(healthScores.contactId, input.contactId), eq(healthScores.tenantId, context.tenantId)))
      .orderBy(desc(healthScores.computedAt))
      .limit(1)
    if (!latest) return { score: null, risk: null, components: {}, computedAt: null }
    return {
      score: latest.score,
      risk: latest.risk,
      components: latest.components,
      computedAt: latest.computedAt.toISOString(),
    }
  },
})
