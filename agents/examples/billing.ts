// The README's example: a third agent, "billing", with one tool, routed by the triage heads.
import { z } from 'zod'
import { decide, defineAgent, defineConfig, defineTool } from '../../index.ts'

const invoicesPage = defineTool({
  name: 'invoices_page',
  description: "The page where the customer's invoices and receipts are",
  input: z.object({ contactId: z.string() }),
  output: z.object({ url: z.url() }),
  run: async () => ({ url: 'https://app.quillstack.io/settings/billing' }),
})

export const billing = defineAgent({
  name: 'billing',
  description: 'Invoices, receipts and payment questions the help center answers',
  // Support messages about billing that the Library can answer; refunds and disputes stay with Atlas.
  handles: { intent: ['support'], category: ['billing_inquiry'], action: ['answer'] },
  async run(turn, { model, gate, retrieve, answerConfidence, callTool }) {
    const found = await retrieve(turn.message)
    const { passages } = found
    const reply = await model.compose({ message: turn.message, passages, contactName: turn.contact.name })
    const sure = answerConfidence(found)
    const verdict = decide(gate, { triage: turn.triage, passages, answerConfidence: sure, hasReply: !!reply })
    if (!reply || verdict.action === 'escalate') return { ...verdict, reply: null }
    const { url } = (await callTool('invoices_page', { contactId: turn.contact.id })) as { url: string }
    const body = `${reply.body}\n\nYour invoices and receipts are always at ${url}`
    const toolsUsed = [...found.toolCalls, 'invoices_page']
    return { ...verdict, reply: { body, citations: reply.citations }, toolsUsed }
  },
})

export default defineConfig({ agents: [billing], tools: [invoicesPage] })
