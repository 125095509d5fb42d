// Churn signals: what in a customer's message, ticket history or health history says they may leave.
// Pure rules that quote their evidence, so the success team sees why a risk was opened and can judge it.

import { normalizeText, tokenize } from '../../agents/local/nlu/normalize.ts'
import { riskOf } from './health-score.ts'

export const CHURN_SIGNAL_KINDS = [
  'cancellation_intent',
  'competitor_mention',
  'price_complaint',
  'repeated_unresolved',
  'falling_health',
] as const
export type ChurnSignalKind = (typeof CHURN_SIGNAL_KINDS)[number]

export interface ChurnSignal {
  kind: ChurnSignalKind
  /** what triggered it, short, shown to the team */
  evidence: string
  /** 0..1 */
  strength: number
}

interface Rule {
  kind: ChurnSignalKind
  pattern: RegExp
  strength: number
  /** false when a negator is part of the wording itself ("we will not renew") */
  negatable?: boolean
}

// Rules run on one clause at a time, as normalised tokens joined by single spaces ("won't" → "will not",
// "auto-renew" → "auto renew"), so every pattern is written in lowercase words without punctuation.

/** What leaving is about; cancelling an order, a meeting or an invite is not churn. */
const CHURN_OBJECT =
  '(?:subscriptions?|plan|account|accounts|contract|contracts|membership|service|licen[cs]es?|renewal|auto renew(?:al)?|workspace)'
/** Words that may stand between a verb and its object: no prepositions ("delete a user from my account"). */
const MODIFIER =
  '(?!(?:on|from|in|for|to|of|with|at|by|about|during|after|before|until|within|into|through|via|per|and|or|order|orders|meeting|invite|invitation|call|payment|user|users|member|email|emails)\\b)[a-z0-9]+'
const CANCEL_VERB =
  '(?:cancel|cancelling|canceling|terminate|terminating|end|ending|close|closing|delete|deleting|discontinue|discontinuing|deactivate|deactivating|stop|stopping|quit|quitting|unsubscribe from|unsubscribing from|get out of|getting out of|opt out of)'
const PARTICIPLE = '(?:cancelled|canceled|terminated|closed|deleted|discontinued|deactivated|ended)'
const COMPANY_NOUN =
  '(?:provider|providers|vendor|vendors|company|companies|tool|tools|platform|platforms|service|services|product|products|solution|solutions|app|apps|software|helpdesk|crm|competitor|competitors)'
const SWITCH_VERB =
  '(?:switch|switching|move|moving|migrate|migrating|go|going|change|changing|jump|jumping|take our business)'

const MESSAGE_RULES: Rule[] = [
  // "cancel my subscription", "close our account", "unsubscribe from the plan", "end our contract"
  {
    kind: 'cancellation_intent',
    pattern: new RegExp(`\\b${CANCEL_VERB} (?:${MODIFIER} ){0,3}?${CHURN_OBJECT}\\b`),
    strength: 0.9,
  },
  // "I want my account closed", "please have our subscription cancelled"
  {
    kind: 'cancellation_intent',
    pattern: new RegExp(
      `\\b(?:want|need|like|please|have|get) (?:my|our|the) (?:${MODIFIER} ){0,2}?${CHURN_OBJECT} (?:to be )?${PARTICIPLE}\\b`,
    ),
    strength: 0.9,
  },
  {
    kind: 'cancellation_intent',
    pattern: new RegExp(`\\bcancellation of (?:${MODIFIER} ){0,2}?${CHURN_OBJECT}\\b`),
    strength: 0.8,
  },
  // "we won't renew", "we are not renewing our licence", "we have decided not to renew"
  {
    kind: 'cancellation_intent',
    pattern:
      /\b(?:we|i|our team|our company)(?: [a-z]+){0,3}? (?:not|never|no longer)(?: (?:be|going|planning|plan|want|wanting|intend|intending|looking|wish|to|on)){0,3} renew(?:ing)?\b/,
    strength: 0.9,
    negatable: false,
  },
  {
    kind: 'cancellation_intent',
    pattern: /\b(?:turn|turning|switch|switching) off (?:the )?auto renew(?:al)?\b/,
    strength: 0.8,
  },
  // "thinking of leaving", "we have decided to leave you", "considering quitting your service"
  {
    kind: 'cancellation_intent',
    pattern:
      /\b(?:thinking|considering|planning|deciding|decided|going|want|wanting|ready|seriously) (?:[a-z]+ ){0,2}?(?:leave|leaving|quit|quitting|churn|churning)(?: (?:you|your [a-z]+|this (?:service|platform|product|app|tool)|altogether|for good|soon|now))?$/,
    strength: 0.7,
  },
  // A bare "I want to cancel" / "how do I cancel?": in a support inbox that is usually the subscription.
  {
    kind: 'cancellation_intent',
    pattern:
      /\b(?:want|wish|like|need|going|planning|thinking|considering|ready|how do i|how do we|how can i|how can we|can i|can we) (?:[a-z]+ ){0,2}?(?:cancel|cancelling|canceling)(?: (?:now|today|asap|please|immediately|because .*|as .*|if .*|unless .*))?$/,
    strength: 0.5,
  },

  // "switch to another provider", "moving to a competitor"; "switch to the annual plan" is not leaving.
  {
    kind: 'competitor_mention',
    pattern: new RegExp(
      `\\b${SWITCH_VERB}(?: over| back)? to (?:another|a different|a new|a cheaper|a better|other|some other|a competing|a rival) (?:[a-z]+ )?${COMPANY_NOUN}\\b`,
    ),
    strength: 0.8,
  },
  {
    kind: 'competitor_mention',
    pattern: new RegExp(`\\b${SWITCH_VERB}(?: over| back)? to (?:a |the |one of your )?competitors?\\b`),
    strength: 0.8,
  },
  {
    kind: 'competitor_mention',
    pattern: /\b(?:go|going|went) with (?:someone|somebody) else\b/,
    strength: 0.8,
  },
  // "found a cheaper alternative", "evaluating other vendors", "looking at alternatives"
  {
    kind: 'competitor_mention',
    pattern: new RegExp(
      `\\b(?:found|find|finding|look for|looking for|looking at|look at|evaluating|considering|trying|testing|trialling|comparing) (?:a |an |some |other |cheaper |better |the )*(?:alternatives?|competitors?|(?:other|another) ${COMPANY_NOUN})\\b(?! (?:way|ways|method|methods|approach|email|address|login|route|link|payment|card)\\b)`,
    ),
    strength: 0.8,
  },
  {
    kind: 'competitor_mention',
    pattern: /\byour competitors? (?:offers?|has|have|is|are|charges?|gives?|does|do)\b/,
    strength: 0.6,
  },

  // "too expensive", "charging too much", "way too pricey"
  { kind: 'price_complaint', pattern: /\btoo (?:expensive|pricey|costly|much money)\b/, strength: 0.7 },
  {
    kind: 'price_complaint',
    pattern:
      /\b(?:costs?|costing|charg(?:e|es|ed|ing)(?: us| me)?|pay(?:ing)?|paid) (?:way |far |much )?too much\b/,
    strength: 0.7,
  },
  {
    kind: 'price_complaint',
    pattern:
      /\b(?:so|very|really|way|far|ridiculously|insanely|crazy|incredibly|extremely|absurdly) (?:expensive|pricey|costly|overpriced)\b/,
    strength: 0.6,
  },
  {
    kind: 'price_complaint',
    pattern: /\b(?:overpriced|rip off|ripoff|highway robbery|price gouging)\b/,
    strength: 0.7,
  },
  {
    kind: 'price_complaint',
    pattern: /\bprice (?:hike|hikes)\b|\b(?:another|yet another) (?:price )?(?:increase|hike)\b/,
    strength: 0.7,
  },
  // "you raised prices", "you've doubled the price"
  {
    kind: 'price_complaint',
    pattern:
      /\b(?:you|you guys|they)(?: have| just| guys| again)* (?:raised|increased|hiked|doubled|tripled|jacked up|bumped up|put up) (?:the |your |our |my |its )?(?:price|prices|pricing|rates|fees|cost|costs)\b/,
    strength: 0.7,
  },
  {
    kind: 'price_complaint',
    pattern:
      /\b(?:price|prices|pricing|cost|costs|fees|rates) (?:is|are|has|have)? ?(?:[a-z]+ )?(?:ridiculous|insane|crazy|outrageous|absurd|steep|too high|extortionate|unreasonable|a joke|went up|gone up|going up|doubled|tripled|skyrocketed)\b/,
    strength: 0.6,
  },
  {
    kind: 'price_complaint',
    pattern:
      /\b(?:can not|could not|hard to|difficult to|impossible to|no longer) justify (?:the |this |that |our |your |paying )?(?:cost|costs|price|prices|pricing|expense|spend|spending|fee|fees|subscription|money)\b/,
    strength: 0.7,
    negatable: false,
  },
  {
    kind: 'price_complaint',
    pattern:
      /\b(?:can not|could not|no longer) afford (?:it|this|that|to pay|to keep paying|to renew|to stay|your (?:prices|pricing|plans?|subscription|service)|the (?:price|prices|pricing|plans?|subscription|increase|new price))\b/,
    strength: 0.6,
    negatable: false,
  },
  {
    kind: 'price_complaint',
    pattern: /\bnot worth (?:the )?(?:money|price|cost|subscription)\b/,
    strength: 0.6,
    negatable: false,
  },
  {
    kind: 'price_complaint',
    pattern:
      /\bcheaper (?:elsewhere|somewhere else|than you|than your|than this|options?|alternatives?|providers?|tools?|competitors?|deal)\b|\b(?:get|find|found|getting) (?:it |this |the same(?: thing)? )?(?:for )?cheaper\b/,
    strength: 0.6,
  },
]

/** Negators that cancel a following signal within four tokens: "I don't want to cancel". */
const NEGATORS = new Set(['not', 'never', 'no', 'nobody', 'without'])
/** "not sure how to cancel my subscription" still wants to cancel. */
const NEGATION_EXEMPT = new Set(['sure', 'know', 'certain', 'clear', 'find', 'figure', 'see', 'able'])
const NEGATION_WINDOW = 4

/** Cancellation, switching and price wording in one message, strongest evidence per kind. */
export function messageSignals(text: string, options?: { competitors?: readonly string[] }): ChurnSignal[] {
  const found: ChurnSignal[] = []
  const clauses = normalizeText(text)
    .split(/[.!?;,\n]+/)
    .map((clause) => tokenize(clause).join(' '))
    .filter((clause) => clause !== '')
  for (const clause of clauses) {
    for (const rule of MESSAGE_RULES) {
      const match = rule.pattern.exec(clause)
      if (match === null) continue
      if (rule.negatable !== false && negated(clause, match.index)) continue
      if (rule.kind === 'cancellation_intent' && someoneElseActs(clause, match.index)) continue
      found.push({ kind: rule.kind, evidence: `"${match[0]}"`, strength: rule.strength })
    }
    for (const competitor of options?.competitors ?? []) {
      const signal = competitorSignal(clause, competitor)
      if (signal !== undefined) found.push(signal)
    }
  }
  return strongestPerKind(found)
}

function negated(clause: string, index: number): boolean {
  const before = tokensBefore(clause, index)
  for (let i = Math.max(0, before.length - NEGATION_WINDOW); i < before.length; i++) {
    const next = before[i + 1]
    if (NEGATORS.has(before[i]!) && (next === undefined || !NEGATION_EXEMPT.has(next))) return true
  }
  return false
}

/** "Why did you cancel my subscription?" reports what someone else did; "can you cancel …" asks for it. */
function someoneElseActs(clause: string, index: number): boolean {
  const before = tokensBefore(clause, index).slice(-NEGATION_WINDOW).join(' ')
  if (!/\b(?:you|they|someone|somebody)\b/.test(before)) return false
  return !/\b(?:can|could|would|will|please|need|must|should) you\b|\byou (?:can|could|need|must|should|please)\b/.test(
    before,
  )
}

function tokensBefore(clause: string, index: number): string[] {
  return clause
    .slice(0, index)
    .split(' ')
    .filter((token) => token !== '')
}

/** A configured competitor named in the clause; stronger when the customer is moving to it. */
function competitorSignal(clause: string, competitor: string): ChurnSignal | undefined {
  const name = tokenize(normalizeText(competitor)).join(' ')
  if (name === '') return undefined
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const at = new RegExp(`(?:^| )${escaped}(?= |$)`).exec(clause)
  if (at === null) return undefined
  const start = at.index + (at[0].startsWith(' ') ? 1 : 0)
  const before = clause.slice(0, start)
  const after = clause.slice(start + name.length)
  // Coming from a competitor, or connecting to one, is not leaving for it.
  if (
    /\b(?:from|integrate with|integration with|integrations with|connect to|connect with|sync with)\s*$/.test(
      before,
    )
  )
    return undefined
  if (/^ (?:integration|integrations|import|importer|connector|plugin|app|migration)\b/.test(after))
    return undefined
  const moving = new RegExp(
    `\\b(?:switch|switching|switched|move|moving|moved|migrate|migrating|go|going|change|changing|jump|jumping|leaving you|leave you)(?: over| back)? (?:to|for|with) ${escaped}$`,
  ).exec(before + name)
  if (moving !== null && !negated(clause, moving.index)) {
    return { kind: 'competitor_mention', evidence: `"${moving[0]}"`, strength: 0.9 }
  }
  return { kind: 'competitor_mention', evidence: `mentions ${competitor.trim()}`, strength: 0.6 }
}

function strongestPerKind(signals: ChurnSignal[]): ChurnSignal[] {
  const best = new Map<ChurnSignalKind, ChurnSignal>()
  for (const signal of signals) {
    const held = best.get(signal.kind)
    if (held === undefined || signal.strength > held.strength) best.set(signal.kind, signal)
  }
  return CHURN_SIGNAL_KINDS.flatMap((kind) => best.get(kind) ?? [])
}

const DAY_MS = 86_400_000
const WINDOW_DAYS = 30
/** Ticket categories that report something wrong (the triage model's `bug_report`, and common others). */
const PROBLEM_CATEGORIES = new Set([
  'bug_report',
  'complaint',
  'technical',
  'technical_issue',
  'technical_support',
  'outage',
  'incident',
  'billing_dispute',
  'problem',
])
const CLOSED_STATUSES = new Set(['resolved', 'closed'])

/**
 * Repeated unresolved problems: at least 3 problem tickets (a problem category, or reopened) created
 * in the last 30 days, of which at least 2 are still unresolved or were reopened.
 */
export function ticketSignals(
  tickets: {
    createdAt: Date
    status: string
    resolvedAt: Date | null
    reopened: boolean
    category: string | null
  }[],
  now: Date,
): ChurnSignal[] {
  const recent = tickets.filter((ticket) => {
    const age = now.getTime() - ticket.createdAt.getTime()
    return age >= 0 && age < WINDOW_DAYS * DAY_MS
  })
  const problems = recent.filter(
    (ticket) => ticket.reopened || PROBLEM_CATEGORIES.has((ticket.category ?? '').toLowerCase()),
  )
  const unresolved = problems.filter(
    (ticket) => ticket.resolvedAt === null && !CLOSED_STATUSES.has(ticket.status.toLowerCase()),
  ).length
  const reopened = problems.filter((ticket) => ticket.reopened).length
  const troubled = problems.filter(
    (ticket) =>
      ticket.reopened || (ticket.resolvedAt === null && !CLOSED_STATUSES.has(ticket.status.toLowerCase())),
  ).length
  if (problems.length < 3 || troubled < 2) return []
  const parts = [
    unresolved > 0 ? `${unresolved} unresolved` : undefined,
    reopened > 0 ? `${reopened} reopened` : undefined,
  ]
  return [
    {
      kind: 'repeated_unresolved',
      evidence: `${problems.length} problem tickets in ${WINDOW_DAYS} days, ${parts.filter(Boolean).join(' and ')}`,
      // 3 problems with 2 open is a pattern (0.5); each further one makes it surer.
      strength: round2(Math.min(1, 0.5 + 0.1 * (problems.length - 3) + 0.1 * (troubled - 2))),
    },
  ]
}

/** Score drop at which falling health counts, and the drop at which it is at full strength. */
const HEALTH_DROP = 20
const FULL_HEALTH_DROP = 40

/**
 * Falling health: the latest score is at least 20 points below the highest score of the 30 days
 * before it, or the latest score moved into high/critical risk from medium/low. Only a latest score
 * from the last 30 days counts, so an old fall is not raised again.
 */
export function healthSignals(history: { score: number; at: Date }[], now: Date): ChurnSignal[] {
  const points = history
    .filter((point) => point.at.getTime() <= now.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime())
  const latest = points.at(-1)
  if (latest === undefined || now.getTime() - latest.at.getTime() > WINDOW_DAYS * DAY_MS) return []

  const evidence: string[] = []
  let strength = 0
  const window = points.filter((point) => latest.at.getTime() - point.at.getTime() <= WINDOW_DAYS * DAY_MS)
  const peak = window.reduce((max, point) => (point.score > max.score ? point : max), latest)
  const drop = peak.score - latest.score
  if (drop >= HEALTH_DROP) {
    const days = Math.max(1, Math.round((latest.at.getTime() - peak.at.getTime()) / DAY_MS))
    evidence.push(`health fell from ${peak.score} to ${latest.score} in ${days} day${days === 1 ? '' : 's'}`)
    strength = Math.min(1, drop / FULL_HEALTH_DROP)
  }
  const previous = points.at(-2)
  if (previous !== undefined) {
    const from = riskOf(previous.score)
    const to = riskOf(latest.score)
    if ((from === 'low' || from === 'medium') && (to === 'high' || to === 'critical')) {
      evidence.push(`risk went from ${from} (${previous.score}) to ${to} (${latest.score})`)
      strength = Math.max(strength, to === 'critical' ? 0.8 : 0.6)
    }
  }
  if (evidence.length === 0) return []
  return [{ kind: 'falling_health', evidence: evidence.join('; '), strength: round2(strength) }]
}

function round2(value: number): number {
  return Math.round(value * 100) / 100
}
