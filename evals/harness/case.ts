// What an eval case is: one customer message or a multi-turn conversation, with what a correct
// system does on each turn. Cases live in JSON Lines files (one case per line, `#` comments and blank
// lines allowed); a first line `{"dataset": {...}}` names the dataset and the Library it runs against.
//
//   {"id":"vat-on-invoice","message":"How do I get our VAT number on invoices?",
//    "expect":{"route":"atlas","category":"billing_inquiry","gate":["auto","review"],"cites":["invoices-and-vat"]}}
import { z } from 'zod'
import { AGENT_NAME_PATTERN } from '../../agents/define.ts'
import { ACTION_LABELS } from '../../agents/labels.ts'

export const CATEGORIES = [
  'bug_report',
  'feature_request',
  'how_to',
  'billing_inquiry',
  'general_feedback',
] as const
export const INTENTS = ['support', 'sales'] as const
export const URGENCIES = ['low', 'normal', 'high', 'urgent'] as const
export const GATE_ACTIONS = ['auto', 'review', 'escalate'] as const
export const TICKET_STATES = [
  'triaging',
  'bot_handled',
  'awaiting_approval',
  'pending',
  'in_progress',
  'resolved',
  'closed',
] as const
export const CHANNELS = ['widget', 'email', 'whatsapp', 'messenger', 'instagram', 'mentions'] as const

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[])

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*$/
const Slug = z.string().regex(SLUG_PATTERN, 'a Library article slug, e.g. invoices-and-vat')

export const ExpectationSchema = z
  .object({
    /**
     * Acceptable routes (an agent's name — atlas, loot, or one defined in code — `clarify` or `human`);
     * the first is the one counted as gold in the confusion matrix.
     */
    route: oneOrMany(z.string().regex(AGENT_NAME_PATTERN, 'an agent name, clarify or human')).optional(),
    category: z.enum(CATEGORIES).optional(),
    intent: z.enum(INTENTS).optional(),
    urgency: oneOrMany(z.enum(URGENCIES)).optional(),
    /** The triage `action` head: what handling the message needs. */
    action: z.enum(ACTION_LABELS).optional(),
    /** Acceptable gate decisions, safest-correct first (the first is gold for the confusion matrix). */
    gate: oneOrMany(z.enum(GATE_ACTIONS)).optional(),
    /** Library articles the reply must cite (every one). */
    cites: z.array(Slug).optional(),
    /** Text the reply must contain / must not contain: case-insensitive substrings, or `/regex/flags`. */
    include: z.array(z.string().min(1)).optional(),
    exclude: z.array(z.string().min(1)).optional(),
    /** Tools that must / must not be called or proposed this turn (e.g. create_ticket, library_search). */
    toolsCalled: z.array(z.string()).optional(),
    toolsNotCalled: z.array(z.string()).optional(),
    /** The ticket's state after the turn. */
    state: z.enum(TICKET_STATES).optional(),
  })
  .strict()
export type Expectation = z.infer<typeof ExpectationSchema>

const TurnSchema = z
  .object({ customer: z.string().min(1).max(8000), expect: ExpectationSchema.default({}) })
  .strict()
export type CaseTurn = z.infer<typeof TurnSchema>

const ContactSchema = z
  .object({ name: z.string().nullable().default(null), email: z.string().nullable().default(null) })
  .strict()

const CaseFields = {
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$/, 'letters, digits, . _ : - (max 120)'),
  tags: z.array(z.string()).default([]),
  channel: z.enum(CHANNELS).default('email'),
  /** Who writes; by default a known customer with an email address (so hand-overs need no form). */
  contact: ContactSchema.default({ name: 'Jordan Lee', email: 'jordan.lee@example.com' }),
  note: z.string().optional(),
}

const SingleMessageCase = z
  .object({ ...CaseFields, message: z.string().min(1).max(8000), expect: ExpectationSchema.default({}) })
  .strict()
  .transform(({ message, expect, ...rest }) => ({ ...rest, turns: [{ customer: message, expect }] }))
const ConversationCase = z.object({ ...CaseFields, turns: z.array(TurnSchema).min(1).max(20) }).strict()

/**
 * A case as written: `message` + `expect` for one turn, or `turns` for a conversation. The shape is
 * chosen by the `turns` key first, so an error names the field at fault, not "no union member".
 */
export const CaseSchema = z.unknown().pipe(
  z.custom<unknown>().transform((value, ctx) => {
    const schema =
      value && typeof value === 'object' && 'turns' in value ? ConversationCase : SingleMessageCase
    const parsed = schema.safeParse(value)
    if (parsed.success) return parsed.data
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, code: 'custom', message: issue.message })
    return z.NEVER
  }),
)
export type EvalCase = z.output<typeof ConversationCase>

export const DatasetHeaderSchema = z
  .object({
    dataset: z
      .object({
        name: z.string().min(1),
        description: z.string().optional(),
        /** Folder of Markdown articles (relative to the dataset file) seeded as the tenant's Library. */
        library: z.string().optional(),
        /** JSON file of other customers (relative to the dataset file) seeded into the tenant (customers.ts). */
        customers: z.string().optional(),
        /** Run the security checks on every turn and report their figures (security.ts). */
        security: z.boolean().optional(),
      })
      .strict(),
  })
  .strict()
export type DatasetHeader = z.infer<typeof DatasetHeaderSchema>['dataset']
