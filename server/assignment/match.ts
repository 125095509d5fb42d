// Routing rules, as pure functions: which rule (if any) decides where an escalated ticket goes.
// The first enabled rule by position whose every given condition matches the ticket's facts wins;
// a condition that is absent (or an empty list) does not constrain. No I/O here: the route job
// gathers the facts and applies what the rule says.
import type { RoutingActions, RoutingConditions } from '../../drizzle/schema/team.ts'

/** What routing knows about an escalated ticket. */
export interface RoutingFacts {
  /** The visitor's language tag (widget: `en-GB`), from the conversation's metadata. */
  language: string | null
  /** Two-letter country code: the conversation's metadata, else the contact's attributes. */
  country: string | null
  /** What the customer wrote on this ticket (keywords are looked for here). */
  text: string
  category: string | null
  urgency: string | null
  priority: string | null
  /** The channel kind: widget, email, whatsapp … */
  channel: string | null
  vip: boolean
}

export interface RuleLike {
  id: string
  name: string
  position: number
  enabled: boolean
  conditions: RoutingConditions
  actions: RoutingActions
}

/** The first enabled rule, by position (ties keep the given order), whose conditions all match. */
export function matchRule<R extends RuleLike>(rules: readonly R[], facts: RoutingFacts): R | null {
  const ordered = rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => a.rule.position - b.rule.position || a.index - b.index)
  for (const { rule } of ordered) {
    if (rule.enabled && conditionsMatch(rule.conditions, facts)) return rule
  }
  return null
}

export function conditionsMatch(conditions: RoutingConditions, facts: RoutingFacts): boolean {
  const c = conditions
  if (given(c.languages) && !c.languages.some((tag) => languageMatches(tag, facts.language))) return false
  if (given(c.countries) && !c.countries.some((code) => same(code, facts.country))) return false
  if (given(c.keywords) && !c.keywords.some((word) => containsWord(facts.text, word))) return false
  if (given(c.categories) && !c.categories.some((x) => same(x, facts.category))) return false
  if (given(c.urgencies) && !c.urgencies.some((x) => same(x, facts.urgency))) return false
  if (given(c.priorities) && !c.priorities.some((x) => same(x, facts.priority))) return false
  if (given(c.channels) && !c.channels.some((x) => same(x, facts.channel))) return false
  if (typeof c.vip === 'boolean' && c.vip !== facts.vip) return false
  return true
}

function given(list: readonly string[] | undefined): list is readonly string[] {
  return Array.isArray(list) && list.length > 0
}

function same(a: string, b: string | null): boolean {
  return b !== null && a.toLowerCase() === b.toLowerCase()
}

/** `en` matches en, en-GB and en-US; `en-GB` matches en-GB only (case-insensitive). */
export function languageMatches(condition: string, language: string | null): boolean {
  if (!language) return false
  const want = condition.toLowerCase()
  const have = language.toLowerCase()
  return have === want || have.startsWith(`${want}-`)
}

/** A case-insensitive whole-word (or whole-phrase) match: `refund` is in "Refund me!", not in "refunded". */
export function containsWord(text: string, keyword: string): boolean {
  const words = keyword.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return false
  const pattern = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+')
  return new RegExp(`(?<![\\p{L}\\p{N}_])${pattern}(?![\\p{L}\\p{N}_])`, 'iu').test(text)
}
