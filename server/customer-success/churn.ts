// Churn risks and their save plays. A churn signal (cancellation talk, a competitor, price complaints,
// repeated unresolved problems, falling health) opens one risk per customer and schedules the save
// play's steps as pg-boss jobs; the team hears at once (dashboard, email, and a WhatsApp alert through
// the tenant's WhatsApp channel). Each step runs once: the job locks the step's row and only a
// `scheduled` step proceeds, so two workers racing on one step cannot both run it.
import { and, desc, eq } from 'drizzle-orm'
import { AtlasError } from '../../common/errors.ts'
import type { Executor, Tx } from '../../drizzle/database.ts'
import { contacts } from '../../drizzle/schema/contacts.ts'
import { type ChurnSignalRecord, churnRisks, savePlaySteps } from '../../drizzle/schema/customer-success.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import type { JobContext, JobHandler } from '../jobs/context.ts'
import { notifyTeam } from '../notifications/notify.ts'
import { addInternalNote } from './bot-message.ts'
import type { ChurnSignal } from './churn-signals.ts'
import type { SaveStepJob, SuccessJobs } from './jobs.ts'
import { readCustomerSuccessSettings } from './settings.ts'

export interface ChurnDeps {
  jobs: SuccessJobs
  publicUrl: string
}

const HOUR = 3_600_000
const SIGNAL_LABELS: Record<string, string> = {
  cancellation_intent: 'talked about cancelling',
  competitor_mention: 'mentioned a competitor',
  price_complaint: 'complained about the price',
  repeated_unresolved: 'has repeated unresolved problems',
  falling_health: 'health score is falling',
}

/**
 * Opens a churn risk for the customer (or adds the new signals to the open one). Returns the risk id
 * and whether it was opened now.
 */
export async function openChurnRisk(
  tx: Tx,
  deps: ChurnDeps,
  risk: {
    tenantId: string
    contactId: string
    signals: readonly ChurnSignal[]
    healthScore: number | null
    now: Date
    ticketId?: string | null
  },
): Promise<{ riskId: string; opened: boolean }> {
  const records: ChurnSignalRecord[] = risk.signals.map((s) => ({
    kind: s.kind,
    evidence: s.evidence,
    strength: s.strength,
    at: risk.now.toISOString(),
    ticketId: risk.ticketId ?? null,
  }))
  const [inserted] = await tx
    .insert(churnRisks)
    .values({
      tenantId: risk.tenantId,
      contactId: risk.contactId,
      signals: records,
      healthScore: risk.healthScore,
      openedAt: risk.now,
    })
    .onConflictDoNothing()
    .returning({ id: churnRisks.id })
  if (!inserted) {
    const [open] = await tx
      .select()
      .from(churnRisks)
      .where(and(eq(churnRisks.contactId, risk.contactId), eq(churnRisks.status, 'open')))
      .for('update')
    if (!open) throw new AtlasError('conflict', 'The open churn risk changed while adding signals; retrying')
    const { signals, changed } = mergeSignals(open.signals, records)
    if (changed) {
      await tx
        .update(churnRisks)
        .set({ signals, healthScore: risk.healthScore ?? open.healthScore })
        .where(eq(churnRisks.id, open.id))
    }
    return { riskId: open.id, opened: false }
  }
  const settings = await readCustomerSuccessSettings(tx, risk.tenantId)
  const steps = await tx
    .insert(savePlaySteps)
    .values(
      settings.churn.steps.map((step, ordinal) => ({
        tenantId: risk.tenantId,
        riskId: inserted.id,
        ordinal,
        kind: step.kind,
        text: step.text ?? null,
        dueAt: new Date(risk.now.getTime() + step.afterHours * HOUR),
      })),
    )
    .returning({ id: savePlaySteps.id, dueAt: savePlaySteps.dueAt })
  for (const step of steps) await deps.jobs.saveStep(tx, { stepId: step.id }, step.dueAt)

  const customer = await customerOf(tx, risk.contactId)
  const why = risk.signals.map((s) => `${SIGNAL_LABELS[s.kind] ?? s.kind} (${s.evidence})`).join('; ')
  const owner = customer.owner ?? settings.churn.defaultOwner
  await notifyTeam(tx, deps, {
    tenantId: risk.tenantId,
    kind: 'churn_risk',
    title: `${customer.name} is at risk of churning`,
    body: `${customer.name} ${why}.${risk.healthScore === null ? '' : ` Health score ${risk.healthScore}/100.`} A save play has started.`,
    path: `/app/contacts/${risk.contactId}`,
    to: owner ? [owner] : 'admins',
    key: `churn_risk:${inserted.id}`,
    data: { riskId: inserted.id, signals: records },
    phones: settings.churn.alertWhatsApp,
  })
  return { riskId: inserted.id, opened: true }
}

/**
 * Signals computed from the whole history (falling health, repeated unresolved problems) describe the
 * customer's state, so a newer one replaces the older one of its kind: a nightly recompute must not add
 * "health fell from 99 to 43", then "… to 41", then "… to 40". Signals quoted from a message are events
 * and accumulate, each distinct quote once.
 */
const STATE_SIGNALS: ReadonlySet<string> = new Set(['falling_health', 'repeated_unresolved'])

export function mergeSignals(
  known: readonly ChurnSignalRecord[],
  fresh: readonly ChurnSignalRecord[],
): { signals: ChurnSignalRecord[]; changed: boolean } {
  const signals = [...known]
  let changed = false
  for (const signal of fresh) {
    if (STATE_SIGNALS.has(signal.kind)) {
      const at = signals.findIndex((s) => s.kind === signal.kind)
      if (at === -1) signals.push(signal)
      else if (signals[at]!.evidence !== signal.evidence) signals[at] = signal
      else continue
      changed = true
    } else if (!signals.some((s) => s.kind === signal.kind && s.evidence === signal.evidence)) {
      signals.push(signal)
      changed = true
    }
  }
  return { signals, changed }
}

/** Job: one step of a save play, run once and only while the risk is still open. */
export function saveStepHandler(context: JobContext, deps: ChurnDeps): JobHandler<SaveStepJob> {
  return async (job) => {
    await context.database.db.transaction(async (tx) => {
      const [step] = await tx
        .select()
        .from(savePlaySteps)
        .where(eq(savePlaySteps.id, job.data.stepId))
        .for('update')
      if (step?.status !== 'scheduled') return
      const [risk] = await tx.select().from(churnRisks).where(eq(churnRisks.id, step.riskId))
      const now = context.host.now()
      if (risk?.status !== 'open') {
        await tx
          .update(savePlaySteps)
          .set({
            status: 'skipped',
            doneAt: now,
            result: { reason: `the risk is ${risk?.status ?? 'gone'}` },
          })
          .where(eq(savePlaySteps.id, step.id))
        return
      }
      const settings = await readCustomerSuccessSettings(tx, risk.tenantId)
      const customer = await customerOf(tx, risk.contactId)
      const owner = customer.owner ?? settings.churn.defaultOwner
      const text = step.text?.replaceAll('{name}', customer.firstName) ?? null
      const result: Record<string, unknown> = {}
      if (text) {
        // The prepared message waits on the customer's latest ticket as a note, for the owner to send.
        result.noteOn = await leaveNoteOnLatestTicket(
          tx,
          risk.tenantId,
          risk.contactId,
          `Save play — ${step.kind === 'offer' ? 'offer' : 'check-in'} to send:\n\n${text}`,
        )
      }
      result.notified = await notifyTeam(tx, deps, {
        tenantId: risk.tenantId,
        kind: 'save_step',
        title:
          step.kind === 'alert_owner'
            ? `Save play: reach out to ${customer.name}`
            : step.kind === 'check_in'
              ? `Save play: personal check-in for ${customer.name} is ready`
              : `Save play: send ${customer.name} the offer`,
        body:
          text ??
          `${customer.name} is at risk of churning; you own the relationship. Signals: ${risk.signals.map((s) => SIGNAL_LABELS[s.kind] ?? s.kind).join(', ')}.`,
        path: `/app/contacts/${risk.contactId}`,
        to: owner ? [owner] : 'admins',
        key: `save_step:${step.id}`,
        data: { riskId: risk.id, stepId: step.id, kind: step.kind },
      })
      await tx
        .update(savePlaySteps)
        .set({ status: 'done', doneAt: now, result })
        .where(eq(savePlaySteps.id, step.id))
    })
  }
}

/** The save play's outcome, set by a person: saved or churned. The steps not yet run are skipped. */
export async function recordChurnOutcome(
  tx: Tx,
  tenantId: string,
  riskId: string,
  outcome: { status: 'saved' | 'churned'; by: string; note: string | null; at: Date },
) {
  const [risk] = await tx
    .update(churnRisks)
    .set({ status: outcome.status, outcomeAt: outcome.at, outcomeBy: outcome.by, outcomeNote: outcome.note })
    .where(and(eq(churnRisks.id, riskId), eq(churnRisks.tenantId, tenantId), eq(churnRisks.status, 'open')))
    .returning()
  if (!risk) {
    const [exists] = await tx
      .select({ status: churnRisks.status })
      .from(churnRisks)
      .where(and(eq(churnRisks.id, riskId), eq(churnRisks.tenantId, tenantId)))
    if (!exists) throw new AtlasError('not_found', `Churn risk ${riskId} does not exist`)
    throw new AtlasError('conflict', `The churn risk already has an outcome: ${exists.status}`)
  }
  await tx
    .update(savePlaySteps)
    .set({ status: 'skipped', doneAt: outcome.at, result: { reason: `outcome ${outcome.status}` } })
    .where(and(eq(savePlaySteps.riskId, riskId), eq(savePlaySteps.status, 'scheduled')))
  return risk
}

/** Open, saved and churned risks over a period, and the save rate (saved ÷ decided). */
export async function churnReport(db: Executor, tenantId: string, since: Date) {
  const rows = await db
    .select({ status: churnRisks.status, openedAt: churnRisks.openedAt })
    .from(churnRisks)
    .where(eq(churnRisks.tenantId, tenantId))
  const recent = rows.filter((r) => r.openedAt >= since)
  const count = (s: string) => recent.filter((r) => r.status === s).length
  const saved = count('saved')
  const churned = count('churned')
  return {
    since: since.toISOString(),
    opened: recent.length,
    pending: count('open'),
    saved,
    churned,
    saveRate: saved + churned === 0 ? null : saved / (saved + churned),
  }
}

async function customerOf(tx: Executor, contactId: string) {
  const [contact] = await tx
    .select({ name: contacts.name, email: contacts.email, attributes: contacts.attributes })
    .from(contacts)
    .where(eq(contacts.id, contactId))
  const name = contact?.name ?? contact?.email ?? 'A customer'
  const owner = typeof contact?.attributes.owner === 'string' ? contact.attributes.owner : null
  return { name, firstName: name.split(/\s+/)[0] ?? name, owner }
}

async function leaveNoteOnLatestTicket(tx: Tx, tenantId: string, contactId: string, text: string) {
  const [ticket] = await tx
    .select({ id: tickets.id, conversationId: tickets.conversationId })
    .from(tickets)
    .where(and(eq(tickets.contactId, contactId), eq(tickets.tenantId, tenantId)))
    .orderBy(desc(tickets.createdAt))
    .limit(1)
  if (!ticket) return null
  await addInternalNote(tx, {
    tenantId,
    ticketId: ticket.id,
    conversationId: ticket.conversationId,
    text,
    authorRef: 'save-play',
  })
  return ticket.id
}
