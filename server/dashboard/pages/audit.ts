// The audit trail in words: who (the bot, which person, a system timer) did what, including each
// gate decision with its confidence.
export interface AuditEntry {
  seq: number
  type: string
  actor: { kind: string; id: string | null }
  outcome: string
  payload: Record<string, unknown>
  before: Record<string, unknown> | null
  after: Record<string, unknown>
  at: string
}

export function actorName(actor: AuditEntry['actor'], names: Map<string, string>): string {
  switch (actor.kind) {
    case 'customer':
      return 'Customer'
    case 'bot':
      return `Bot${actor.id ? ` (${actor.id})` : ''}`
    case 'system':
      return actor.id === 'routing' ? 'Routing rules' : actor.id ? `System (${actor.id})` : 'System'
    default:
      return actor.id ? (names.get(actor.id) ?? actor.id) : 'Someone'
  }
}

export function describeAudit(e: AuditEntry, names: Map<string, string>): string {
  const who = actorName(e.actor, names)
  const p = e.payload
  const person = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? id) : 'nobody')
  const text = (() => {
    switch (e.type) {
      case 'CUSTOMER_MESSAGE':
        return 'wrote a message'
      case 'AGENT_DECIDED': {
        const confidence = typeof p.confidence === 'number' ? `${Math.round(p.confidence * 100)}%` : '?'
        const action =
          p.action === 'auto'
            ? 'answered automatically'
            : p.action === 'review'
              ? 'drafted a reply for approval'
              : 'escalated to a person'
        return `${action} (gate: ${String(p.action)}, confidence ${confidence}; ${String(p.reason ?? '')})`
      }
      case 'AGENT_FAILED':
        return `could not answer: ${String(p.error ?? '')}`
      case 'DRAFT_APPROVE':
        return 'approved the draft and sent it'
      case 'DRAFT_SEND':
        return 'edited the draft and sent it'
      case 'DRAFT_REJECT':
        return `rejected the draft${p.reason ? `: ${String(p.reason)}` : ''}`
      case 'HUMAN_REPLY':
        return p.template ? 'sent a template message' : 'replied'
      case 'TAKE_OVER':
        return 'took over from the bot'
      case 'HAND_BACK':
        return 'handed the conversation back to the bot'
      case 'ASSIGN':
        return p.assignee ? `assigned it to ${person(p.assignee)}` : 'unassigned it'
      case 'TAG': {
        const add = (p.add as string[] | undefined) ?? []
        const remove = (p.remove as string[] | undefined) ?? []
        return [
          add.length ? `tagged it ${add.join(', ')}` : '',
          remove.length ? `removed tag ${remove.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' and ')
      }
      case 'SET_PRIORITY':
        return `set priority to ${String(p.priority)}`
      case 'NOTE':
        return 'added an internal note'
      case 'RECLASSIFY':
        return `reclassified it (${['category', 'intent', 'urgency']
          .filter((k) => p[k])
          .map((k) => `${k}: ${String(p[k])}`)
          .join(', ')})`
      case 'MARK_PENDING':
        return `set it to wait for a person${p.reason ? ` (${String(p.reason)})` : ''}`
      case 'RESOLVE':
        return 'resolved it'
      case 'REOPEN':
        return 'reopened it'
      case 'CLOSE':
        return 'closed it'
      case 'TIMER':
        return p.timer === 'autoClose'
          ? 'closed it automatically after the resolved period'
          : `fired timer ${String(p.timer)}`
      case 'REPLY_DELIVERED':
        return 'confirmed a reply was delivered'
      case 'REPLY_FAILED':
        return `could not deliver a reply: ${String(p.error ?? '')}`
      default:
        return e.type.toLowerCase().replaceAll('_', ' ')
    }
  })()
  const status = e.before && e.before.status !== e.after.status ? ` → ${String(e.after.status)}` : ''
  const ignored = e.outcome === 'ignored' ? ' (ignored)' : ''
  return `${who} ${text}${status}${ignored}`
}
