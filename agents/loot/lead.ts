// Lead qualification for Loot: what a prospect has told us about company size, use case and
// timeline, read from their messages with plain parsers (no model needed, so `local` and `openai`
// qualify the same way). When Loot has just asked for one detail, a short reply is taken as it.

export interface Lead {
  companySize?: number
  useCase?: string
  timeline?: string
}

export const LEAD_SLOTS = ['companySize', 'useCase', 'timeline'] as const
export type LeadSlot = (typeof LEAD_SLOTS)[number]

const PEOPLE =
  /(\d{1,6})\s*(?:-\s*)?(?:\+\s*)?(?:people|persons?|users?|seats?|members?|employees?|staff|agents?|folks|colleagues|devs?|developers|engineers|(?:-?person|-?people)\s+(?:team|company|org))/i
const TEAM_OF =
  /\b(?:team|company|org(?:anization)?|staff)\s+of\s+(?:about\s+|around\s+|roughly\s+|~\s*)?(\d{1,6})\b/i
const WE_ARE = /\bwe(?:'re|\s+are|\s+have)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?(\d{1,6})\b/i
const JUST_ME = /\b(?:just me|only me|solo|one-person|freelancer|by myself)\b/i

const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december'
const TIMELINE = new RegExp(
  [
    '\\b(?:asap|as soon as possible|immediately|right away|right now|today|tomorrow)\\b',
    '\\b(?:this|next)\\s+(?:week|month|quarter|year|sprint)\\b',
    '\\bwithin\\s+(?:a|an|one|two|three|\\d+)\\s+(?:days?|weeks?|months?)\\b',
    '\\bin\\s+(?:a|an|one|two|three|a few|a couple of|\\d+)\\s+(?:days?|weeks?|months?)\\b',
    `\\b(?:by|before|in|after|around|early|mid|late)\\s+(?:${MONTHS}|q[1-4])\\b`,
    `\\b(?:${MONTHS})\\b`,
    '\\bq[1-4]\\b',
    '\\bend of (?:the )?(?:month|quarter|year)\\b',
    '\\b(?:no rush|not sure yet|just exploring|no timeline)\\b',
  ].join('|'),
  'i',
)
const USE_CASE =
  /\b(?:use (?:it|quillstack|the (?:app|tool|product))|using it|need (?:it|a tool)|looking for (?:something|a tool)|want (?:it|a tool))\s+(?:for|to)\s+([^.?!\n]{3,160})/i

export function readSize(text: string): number | undefined {
  if (JUST_ME.test(text)) return 1
  for (const pattern of [PEOPLE, TEAM_OF, WE_ARE]) {
    const match = pattern.exec(text)
    if (match) return Number(match[1])
  }
  return undefined
}

export function readTimeline(text: string): string | undefined {
  return TIMELINE.exec(text)?.[0]
}

export function readUseCase(text: string): string | undefined {
  return USE_CASE.exec(text)?.[1]?.trim()
}

/** Adds what this message says to the lead; `asked` is the detail Loot asked for last turn. */
export function updateLead(lead: Lead, text: string, asked?: LeadSlot): Lead {
  const next: Lead = { ...lead }
  const size = readSize(text) ?? (asked === 'companySize' ? bareNumber(text) : undefined)
  if (size !== undefined && size > 0) next.companySize = size
  const timeline = readTimeline(text)
  if (timeline) next.timeline = timeline
  else if (asked === 'timeline' && isShortAnswer(text)) next.timeline = text.trim()
  const useCase = readUseCase(text)
  if (useCase) next.useCase = useCase
  else if (asked === 'useCase' && isShortAnswer(text, 200)) next.useCase = text.trim()
  return next
}

export function missingSlot(lead: Lead): LeadSlot | undefined {
  return LEAD_SLOTS.find((slot) => lead[slot] === undefined)
}

export function describeLead(lead: Lead): string {
  const parts = [
    lead.companySize !== undefined
      ? `${lead.companySize} ${lead.companySize === 1 ? 'person' : 'people'}`
      : null,
    lead.useCase ? `for ${lead.useCase}` : null,
    lead.timeline ? `starting ${lead.timeline}` : null,
  ]
  return parts.filter(Boolean).join(', ')
}

/**
 * The lead as Loot may repeat it to the customer in its own words: the size, a timeline the parser
 * recognised or that is a plain phrase, and the use case only when it is a plain phrase. Free text the
 * customer typed into a slot ("quote approved, 50% off, see https://…") is kept for the sales team,
 * never sent back as if the bot said it.
 */
export function plainLead(lead: Lead): Lead {
  const out: Lead = {}
  if (lead.companySize !== undefined) out.companySize = lead.companySize
  if (lead.useCase !== undefined && PLAIN_PHRASE.test(lead.useCase)) out.useCase = lead.useCase
  const timeline = lead.timeline
  if (timeline !== undefined && (readTimeline(timeline) === timeline || PLAIN_PHRASE.test(timeline)))
    out.timeline = timeline
  return out
}

/** At most eight words of letters (any script), spaces, hyphens, apostrophes, ampersands and slashes. */
const PLAIN_PHRASE = /^(?=.{1,80}$)[\p{L}\p{M}'’&/-]+(?: [\p{L}\p{M}'’&/-]+){0,7}$/u

function bareNumber(text: string): number | undefined {
  const match = /\b(\d{1,6})\b/.exec(text)
  return match ? Number(match[1]) : undefined
}

/** Courtesy, not information: "thanks!", "ok", "sure" answer no qualifying question. */
const NOT_AN_ANSWER =
  /^(?:thanks?|thank you|thx|ty|ok(?:ay)?|cool|great|sure|yes|yep|no|nope|hi|hello)\b[\s!.]*$/i

/** An answer to our question, not a question of its own. */
function isShortAnswer(text: string, max = 80): boolean {
  const t = text.trim()
  return t.length > 0 && t.length <= max && !t.endsWith('?') && !NOT_AN_ANSWER.test(t)
}
