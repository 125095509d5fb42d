// The server's implementation of the ticket's customer-success effects (machines/host/
// customer-success-effects.ts): timer lengths from the tenant's settings, SLA clocks and alerts,
// the follow-up reminder, the satisfaction survey and the team notices a ticket raises.
import { randomBytes, randomUUID } from 'node:crypto'
import { and, desc, eq, ne } from 'drizzle-orm'
import type { Logger } from '../../common/logger.ts'
import { instruments } from '../../common/metrics.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import { satisfactionSurveys } from '../../drizzle/schema/customer-success.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import type {
  CustomerSuccessEffects,
  CustomerSuccessScope,
} from '../../machines/host/customer-success-effects.ts'
import { notifyTeam, ticketAudience } from '../notifications/notify.ts'
import { ticketNumber } from '../views/conversation.ts'
import { addInternalNote, queueBotMessage } from './bot-message.ts'
import type { SuccessJobs } from './jobs.ts'
import { readCustomerSuccessSettings } from './settings.ts'
import { applySlaClock, metricName, recordSlaAlert } from './sla-clocks.ts'

export interface TicketSuccessDeps {
  jobs: SuccessJobs
  publicUrl: string
  logger: Logger
}

const HOUR = 3600

export function createTicketCustomerSuccess(deps: TicketSuccessDeps): CustomerSuccessEffects {
  // One transition asks for several effects (two clocks, a timer, a notice): one settings read each.
  const settingsRead = new WeakMap<CustomerSuccessScope, ReturnType<typeof readCustomerSuccessSettings>>()
  const settingsOf = (scope: CustomerSuccessScope) => {
    let read = settingsRead.get(scope)
    if (!read) {
      read = readCustomerSuccessSettings(scope.tx, scope.ticket.tenantId, deps.logger)
      settingsRead.set(scope, read)
    }
    return read
  }
  const ticketRow = async (scope: CustomerSuccessScope) => {
    const [row] = await scope.tx
      .select({ number: tickets.number, assignee: tickets.assignee, subject: tickets.subject })
      .from(tickets)
      .where(eq(tickets.id, scope.ticket.id))
    return row!
  }
  const notify = (scope: CustomerSuccessScope, notice: Parameters<typeof notifyTeam>[2]) =>
    notifyTeam(scope.tx, deps, notice)

  return {
    async timerDelay(scope, timer) {
      const settings = await settingsOf(scope)
      const followUps = settings.sla.followUps
      const hours = (h: number | null) => (h === null ? null : h * HOUR)
      switch (timer) {
        case 'followUpCustomer':
          return hours(followUps.customerAfterHours)
        case 'autoResolve':
          return hours(followUps.autoResolveAfterHours)
        case 'followUpOwner':
          return hours(followUps.ownerAfterHours)
        case 'backToBot':
          return settings.backToBot.enabled ? settings.backToBot.afterMinutes * 60 : null
        default:
          return null
      }
    },

    async slaClock(scope, params) {
      await applySlaClock(scope, await settingsOf(scope), params)
    },

    async slaAlert(scope, params) {
      const clock = await recordSlaAlert(scope, params)
      if (!clock) return
      if (params.phase === 'breach') instruments().slaBreaches.add(1, { 'atlas.sla.metric': params.metric })
      const { number, assignee } = await ticketRow(scope)
      const tkt = ticketNumber(number)
      const what = metricName(params.metric)
      const breach = params.phase === 'breach'
      await notify(scope, {
        tenantId: scope.ticket.tenantId,
        kind: breach ? 'sla_breach' : 'sla_warning',
        title: breach ? `${tkt} breached its ${what} target` : `${tkt}: ${what} due soon`,
        body: breach
          ? `The ${what} target of policy "${clock.policyName}" was missed.`
          : `The ${what} target of policy "${clock.policyName}" is due at ${clock.dueAt?.toISOString() ?? 'soon'}.`,
        ticketId: scope.ticket.id,
        path: `/app/tickets/${tkt}`,
        to: ticketAudience(assignee),
        key: `sla_${params.phase}:${scope.ticket.id}:${params.metric}:${clock.cycle}`,
        data: { metric: params.metric, policy: clock.policyId },
      })
    },

    async followUp(scope) {
      const settings = await settingsOf(scope)
      const queued = await queueBotMessage(scope.tx, scope.outbox, {
        ticketId: scope.ticket.id,
        conversationId: scope.ticket.conversationId,
        tenantId: scope.ticket.tenantId,
        body: settings.sla.followUps.reminderText,
        template: settings.sla.followUps.reminderTemplate,
        key: `follow-up:${randomUUID()}`,
        authorRef: 'follow-up',
        now: scope.now,
      })
      if ('skipped' in queued) {
        await addInternalNote(scope.tx, {
          tenantId: scope.ticket.tenantId,
          ticketId: scope.ticket.id,
          conversationId: scope.ticket.conversationId,
          text: `Follow-up reminder not sent: ${queued.skipped}.`,
          authorRef: 'follow-up',
        })
      }
    },

    async survey(scope) {
      const settings = await settingsOf(scope)
      if (!settings.csat.enabled) return
      const [survey] = await scope.tx
        .insert(satisfactionSurveys)
        .values({
          tenantId: scope.ticket.tenantId,
          ticketId: scope.ticket.id,
          conversationId: scope.ticket.conversationId,
          token: randomBytes(18).toString('base64url'),
        })
        .onConflictDoNothing()
        .returning({ id: satisfactionSurveys.id })
      if (!survey) return // one survey per ticket, however often it is resolved
      const at = new Date(scope.now.getTime() + settings.csat.delayMinutes * 60_000)
      await deps.jobs.csat(scope.tx, { surveyId: survey.id }, at)
    },

    async notify(scope, { kind, reason }) {
      const { number, assignee } = await ticketRow(scope)
      const tkt = ticketNumber(number)
      const [last] = await scope.tx
        .select({ body: messages.body })
        .from(messages)
        .where(and(eq(messages.ticketId, scope.ticket.id), eq(messages.direction, 'inbound')))
        .orderBy(desc(messages.createdAt))
        .limit(1)
      const excerpt = last ? `“${last.body.slice(0, 280)}”` : ''
      await notify(scope, {
        tenantId: scope.ticket.tenantId,
        kind,
        title:
          kind === 'escalation' ? `${tkt} needs a person` : `${tkt}: the customer is waiting for a reply`,
        body: [kind === 'escalation' && reason ? `Why: ${reason}.` : '', excerpt].filter(Boolean).join(' '),
        ticketId: scope.ticket.id,
        path: `/app/tickets/${tkt}`,
        to: ticketAudience(assignee),
        key: `${kind}:${scope.ticket.id}:${reason ?? ''}:${scope.now.getTime()}`,
        data: { reason },
      })
    },

    async ticketOpened(scope) {
      const settings = await settingsOf(scope)
      const { number } = await ticketRow(scope)
      const tkt = ticketNumber(number)
      const [earlier] = await scope.tx
        .select({ id: tickets.id })
        .from(tickets)
        .where(and(eq(tickets.conversationId, scope.ticket.conversationId), ne(tickets.id, scope.ticket.id)))
        .limit(1)
      const base = {
        tenantId: scope.ticket.tenantId,
        ticketId: scope.ticket.id,
        path: `/app/tickets/${tkt}`,
      }
      // The team's shared address hears of every ticket; people see new conversations in the dashboard.
      if (settings.notifications.address) {
        await notify(scope, {
          ...base,
          kind: 'ticket_created',
          title: `New ticket ${tkt}`,
          body: `A customer message opened ${tkt}; the assistant is on it.`,
          to: [],
          addresses: [settings.notifications.address],
          key: `ticket_created:${scope.ticket.id}`,
        })
      }
      if (!earlier) {
        await notify(scope, {
          ...base,
          kind: 'new_conversation',
          title: `New conversation (${tkt})`,
          body: 'A new customer started a conversation.',
          to: 'team',
          key: `new_conversation:${scope.ticket.conversationId}`,
        })
      }
    },
  }
}
