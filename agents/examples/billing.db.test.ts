// The README's third agent, running in the real runtime: billing questions reach it, its tool runs,
// and what it does not take (a refund) still reaches Atlas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadAtlasConfig } from '../../server/atlas-config.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'

let t: TestRuntime

beforeAll(async () => {
  // Loaded the way `npm start` loads atlas.config.ts.
  const config = await loadAtlasConfig('agents/examples/billing.ts')
  t = await startTestRuntime({ agents: config.agents, tools: config.tools })
})
afterAll(async () => {
  await t?.stop()
})

async function decide(text: string) {
  const response = await t.app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitorId: `b-${Math.random()}`, text }),
  })
  const { conversationId } = (await response.json()) as { conversationId: string }
  return eventually(async () => {
    const view = (await (await t.api('GET', `/v1/conversations/${conversationId}`)).json()) as {
      decision: { agent: string; action: string; scores: { toolsUsed: string[] } } | null
      messages: Array<{ direction: string; body: string; deliveryStatus: string }>
      draft: { body: string } | null
    }
    const queued = view.messages.some((m) => m.direction === 'outbound' && m.deliveryStatus === 'queued')
    return view.decision && !queued ? view : undefined
  })
}

describe(`a third agent defined in code (${testDatabaseKind})`, () => {
  it('takes the billing questions it was routed by, and calls its tool', async () => {
    const v = await decide('Where can I download the invoices for my company?')
    expect(v.decision!.agent).toBe('billing')
    expect(['auto', 'review']).toContain(v.decision!.action)
    // Sent, or drafted for approval: either way the reply carries what the tool returned.
    const text =
      v.decision!.action === 'auto' ? v.messages.find((m) => m.direction === 'outbound')!.body : v.draft!.body
    expect(text).toContain(
      'Your invoices and receipts are always at https://app.quillstack.io/settings/billing',
    )
    expect(v.decision!.scores.toolsUsed).toContain('invoices_page')
  })

  it('leaves what it does not handle to Atlas and Loot', async () => {
    expect((await decide('I want a refund for last month, I was charged twice')).decision!.agent).toBe(
      'atlas',
    )
    expect((await decide('How do I reset my password?')).decision!.agent).toBe('atlas')
    expect((await decide('Can we get a quote for 200 seats on Business?')).decision!.agent).toBe('loot')
  })
})
