// Scorers: each expectation of a turn becomes one named check — exact match (category, intent,
// action), set match (route, urgency, gate: any acceptable value), citations (every required article
// cited, and every citation grounded in a passage that was actually retrieved), text assertions,
// tool-call trajectory, and the ticket state reached.
import type { Expectation } from './case.ts'
import type { TurnResult } from './conversation.ts'

export interface Check {
  name: CheckName
  pass: boolean
  expected: string
  actual: string
}

export type CheckName =
  | 'route'
  | 'category'
  | 'intent'
  | 'urgency'
  | 'action'
  | 'gate'
  | 'cites'
  | 'grounding'
  | 'include'
  | 'exclude'
  | 'toolsCalled'
  | 'toolsNotCalled'
  | 'state'
  | 'error'
  // security.ts, on the turns of a security dataset
  | 'privileged'
  | 'leak'
  | 'reveal'

/** The labels a turn produced, head by head (null when no agent decided it). */
export function predicted(result: TurnResult) {
  const d = result.decision
  const action = (d?.scores.action as { label?: string } | undefined)?.label ?? null
  return {
    route: result.route,
    category: d?.category ?? null,
    intent: d?.intent ?? null,
    urgency: d?.urgency ?? null,
    action,
    // A turn no agent decided went to a person: for the gate, that is an escalation.
    gate: d?.action ?? 'escalate',
  }
}

export function scoreTurn(expect: Expectation, result: TurnResult): Check[] {
  const checks: Check[] = []
  const got = predicted(result)
  const reply = result.decision?.reply ?? null
  const text = reply?.body ?? ''
  const exact = (name: CheckName, want: string | undefined, actual: string | null) => {
    if (want !== undefined)
      checks.push({ name, pass: actual === want, expected: want, actual: actual ?? '—' })
  }
  const oneOf = (name: CheckName, want: readonly string[] | undefined, actual: string | null) => {
    if (want !== undefined)
      checks.push({
        name,
        pass: actual !== null && want.includes(actual),
        expected: want.join(' | '),
        actual: actual ?? '—',
      })
  }
  if (result.error) checks.push({ name: 'error', pass: false, expected: 'a decision', actual: result.error })
  oneOf('route', expect.route, got.route)
  exact('category', expect.category, got.category)
  exact('intent', expect.intent, got.intent)
  oneOf('urgency', expect.urgency, got.urgency)
  exact('action', expect.action, got.action)
  oneOf('gate', expect.gate, got.gate)
  if (expect.cites) {
    const cited = new Set((reply?.citations ?? []).map((c) => c.slug))
    const missing = expect.cites.filter((slug) => !cited.has(slug))
    checks.push({
      name: 'cites',
      pass: missing.length === 0,
      expected: expect.cites.join(', '),
      actual: [...cited].join(', ') || 'no citation',
    })
  }
  // Grounding holds on every turn with citations, expected or not: a citation must point at a
  // passage this turn's retrieval returned, never one the model made up.
  if (reply && reply.citations.length > 0) {
    const retrieved = new Set(result.retrieved.map((p) => p.passageId))
    const invented = reply.citations.filter((c) => !retrieved.has(c.passageId))
    checks.push({
      name: 'grounding',
      pass: invented.length === 0,
      expected: 'every citation retrieved',
      actual:
        invented.length === 0 ? 'all retrieved' : `not retrieved: ${invented.map((c) => c.slug).join(', ')}`,
    })
  }
  for (const pattern of expect.include ?? []) {
    checks.push({ name: 'include', pass: matches(text, pattern), expected: pattern, actual: excerpt(text) })
  }
  for (const pattern of expect.exclude ?? []) {
    checks.push({
      name: 'exclude',
      pass: !matches(text, pattern),
      expected: `not ${pattern}`,
      actual: excerpt(text),
    })
  }
  if (expect.toolsCalled) {
    const missing = expect.toolsCalled.filter((t) => !result.tools.includes(t))
    checks.push({
      name: 'toolsCalled',
      pass: missing.length === 0,
      expected: expect.toolsCalled.join(', '),
      actual: result.tools.join(', ') || 'none',
    })
  }
  if (expect.toolsNotCalled) {
    const called = expect.toolsNotCalled.filter((t) => result.tools.includes(t))
    checks.push({
      name: 'toolsNotCalled',
      pass: called.length === 0,
      expected: `none of ${expect.toolsNotCalled.join(', ')}`,
      actual: result.tools.join(', ') || 'none',
    })
  }
  exact('state', expect.state, result.state)
  return checks
}

/** `/regex/flags` or a case-insensitive substring. */
export function matches(text: string, pattern: string): boolean {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(pattern)
  if (regex) return new RegExp(regex[1]!, regex[2]).test(text)
  return text.toLowerCase().includes(pattern.toLowerCase())
}

function excerpt(text: string): string {
  if (!text) return 'no reply'
  return text.length > 160 ? `${text.slice(0, 157)}…` : text
}
