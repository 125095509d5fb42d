import { describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../common/logger.ts'
import { toolCallCompletion } from '../../testing/fake-openai.ts'
import type { AssistMessage } from './messages.ts'
import { localSummary, SUMMARY_TOOL, statedDetails, summarizeConversation } from './summary.ts'
import { useFakeAssistModel } from './testing.ts'

const customer = (body: string): AssistMessage => ({ direction: 'inbound', author: 'customer', body })
const bot = (body: string, citations: AssistMessage['citations'] = []): AssistMessage => ({
  direction: 'outbound',
  author: 'bot',
  body,
  citations,
})
const human = (body: string): AssistMessage => ({ direction: 'outbound', author: 'human', body })
const note = (body: string): AssistMessage => ({ direction: 'internal', author: 'human', body })

/** A double charge on the widget: Atlas asked for an email, handed over, and the customer wrote again. */
const doubleCharge: AssistMessage[] = [
  customer(
    'Hello! I upgraded to the Business plan yesterday and I was charged twice for order #48213. Both charges are $49.00 on my Visa.',
  ),
  bot(
    "I'm sorry about the trouble with your bill, but I'll pass this to our team. What email address can they reach you at? (If you'd rather not share one, just say so and they'll reply here.)",
  ),
  customer("sure, it's dana@acme.example"),
  bot(
    "I'm sorry about the trouble with your bill, so I've created ticket TKT-10042 for our billing team. They'll reply by email to dana@acme.example and here in this chat.",
  ),
  note('Checked Stripe: order #99999 is a test order, ignore it.'),
  customer('Thanks. Also, can I get an invoice with our VAT number on it? Our VAT ID is DE123456789.'),
]

/** A how-to the bot answered from the Library, a follow-up a person took. */
const exportQuestion: AssistMessage[] = [
  customer('How do I export a board to CSV?'),
  bot('Open the board, click Export and choose CSV.\n\nSource: Import and export your data', [
    {
      documentId: 'd-export',
      passageId: 'p-export',
      slug: 'import-and-export',
      title: 'Import and export your data',
      heading: 'Export a board to CSV',
      url: 'https://help.quillstack.io/articles/import-and-export',
    },
  ]),
  customer(
    'Thanks, that worked. But the export is missing the custom fields column, which we need for our monthly report.',
  ),
  human("Thanks for flagging — I've asked our product team to check the custom fields export."),
  customer('Great, please keep me posted.'),
]

describe('local summary (extractive)', () => {
  it("quotes the customer's request, lists the details they gave, what the bot did and what is open", () => {
    const summary = localSummary(doubleCharge, { status: 'pending', queue: 'billing' })
    expect(summary).toMatchObject({ provider: 'local', model: 'local' })
    expect(summary.bullets.length).toBeLessThanOrEqual(6)
    const [request, details, botLine, open] = summary.bullets
    expect(request).toMatch(
      /^Customer's request: "I upgraded to the Business plan yesterday and I was charged twice for order #48213\."/,
    )
    expect(details).toBe('Details given: order #48213, VAT ID DE123456789, dana@acme.example, $49.00')
    expect(botLine).toContain("I've created ticket TKT-10042 for our billing team")
    expect(open).toBe('Still open: "Also, can I get an invoice with our VAT number on it?" has no reply yet')
    expect(summary.text).toBe(summary.bullets.map((b) => `- ${b}`).join('\n'))
  })

  it('leaves internal notes out: a note is not something the customer said', () => {
    const summary = localSummary(doubleCharge)
    expect(summary.text).not.toContain('#99999')
    expect(summary.text).not.toContain('Stripe')
  })

  it('names the Library articles the bot cited and the team reply, and what is still open', () => {
    const summary = localSummary(exportQuestion, { status: 'in_progress' })
    expect(summary.bullets[0]).toBe(
      'Customer\'s request: "How do I export a board to CSV?" "But the export is missing the custom fields column, which we need for our monthly report."',
    )
    expect(summary.bullets).toContain(
      'Bot: 1 reply; answered from the Library ("Import and export your data — Export a board to CSV")',
    )
    expect(summary.bullets).toContain(
      'Team: 1 reply; the latest: "Thanks for flagging — I\'ve asked our product team to check the custom fields export."',
    )
    expect(summary.bullets.at(-1)).toBe('Still open: "Great, please keep me posted." has no reply yet')
  })

  it('quotes what a reply says, not its greeting', () => {
    const summary = localSummary([
      ...exportQuestion.slice(0, 3),
      human('Hi Dana,\n\nThe custom fields column is added in the next release, due on 12 May.'),
    ])
    expect(summary.bullets).toContain(
      'Team: 1 reply; the latest: "The custom fields column is added in the next release, due on 12 May."',
    )
    expect(summary.bullets.at(-1)).toBe('Still open: nothing unanswered; the last reply came from the team')
  })

  it('says when the bot handed over and nobody from the team has replied yet', () => {
    const summary = localSummary(doubleCharge.slice(0, 4), { status: 'pending', queue: 'billing' })
    expect(summary.bullets.at(-1)).toBe(
      'Still open: the bot handed the conversation over to the billing queue; no one from the team has replied yet',
    )
  })

  it('finds references, emails and amounts as the customer wrote them', () => {
    expect(
      statedDetails(
        'My invoice number is INV-2024-0117, order 55123 and ticket TKT-10001; reach me at sam@example.org. I paid €120.50',
      ),
    ).toEqual([
      'invoice number INV-2024-0117',
      'order 55123',
      'ticket TKT-10001',
      'sam@example.org',
      '€120.50',
    ])
    expect(statedDetails('I need help with my account please')).toEqual([])
  })
})

describe('openai summary', () => {
  const openai = useFakeAssistModel()
  const logger = () =>
    ({ warn: vi.fn(), info: vi.fn() }) as unknown as Logger & { warn: ReturnType<typeof vi.fn> }

  it('sends the conversation in one structured call and uses the bullets it gets back, with the tokens used', async () => {
    const bullets = [
      'Dana was charged twice ($49.00) for order #48213 after upgrading to Business.',
      'Email: dana@acme.example; VAT ID DE123456789.',
      'Atlas handed over to billing as TKT-10042.',
      'Open: refund of the duplicate charge and an invoice with the VAT ID.',
    ]
    openai.fake.enqueue(
      toolCallCompletion(SUMMARY_TOOL, { bullets }, { promptTokens: 412, completionTokens: 63 }),
    )
    const summary = await summarizeConversation(doubleCharge, {
      provider: 'openai',
      model: openai.model(),
      context: { ticketNumber: 'TKT-10042', status: 'pending', queue: 'billing', reason: 'take_over' },
    })
    expect(summary).toEqual({
      text: bullets.map((b) => `- ${b}`).join('\n'),
      bullets,
      provider: 'openai',
      model: 'openai:gpt-4o-mini',
      usage: { promptTokens: 412, completionTokens: 63 },
    })
    expect(openai.fake.requests).toHaveLength(1)
    const body = openai.fake.requests[0]!.body
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: SUMMARY_TOOL } })
    expect(body.tools?.map((t) => t.function.name)).toEqual([SUMMARY_TOOL])
    const [system, user] = body.messages
    expect(system!.content).toContain('hand-over summaries')
    const prompt = user!.content as string
    expect(prompt).toContain('Ticket TKT-10042, status pending, queue billing, summary asked for: take over.')
    expect(prompt).toContain(
      '[1] Customer: Hello! I upgraded to the Business plan yesterday and I was charged twice for order #48213.',
    )
    expect(prompt).toContain('[5] Internal note: Checked Stripe')
    expect(prompt).toContain('[6] Customer: Thanks. Also, can I get an invoice with our VAT number on it?')
  })

  it('falls back to the local summary when the provider keeps failing, and logs why', async () => {
    openai.fake.enqueue(
      { status: 500, message: 'The server had an error while processing your request.' },
      { status: 500, message: 'The server had an error while processing your request.' },
    )
    const log = logger()
    const summary = await summarizeConversation(doubleCharge, {
      provider: 'openai',
      model: openai.model(),
      logger: log,
    })
    expect(openai.fake.requests).toHaveLength(2)
    expect(summary.provider).toBe('local')
    expect(summary.fallback?.from).toBe('openai:gpt-4o-mini')
    expect(summary.text).toContain('order #48213')
    expect(log.warn).toHaveBeenCalledOnce()
  })

  it('falls back when the model answers in text instead of calling the tool', async () => {
    openai.fake.enqueue({ content: 'Here is a summary: the customer was double charged.' })
    const summary = await summarizeConversation(exportQuestion, { provider: 'openai', model: openai.model() })
    expect(summary.provider).toBe('local')
    expect(summary.fallback?.error).toMatch(/instead of calling submit_summary/)
    expect(summary.bullets[0]).toContain('How do I export a board to CSV?')
  })

  it('stays local without a model, whatever the provider says', async () => {
    const summary = await summarizeConversation(exportQuestion, { provider: 'openai' })
    expect(summary.provider).toBe('local')
    expect(openai.fake.requests).toHaveLength(0)
  })
})
