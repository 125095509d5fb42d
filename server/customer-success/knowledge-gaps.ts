// Knowledge gaps: the customer questions the Library could not answer (low-confidence and escalated
// turns), grouped into a weekly digest for the team — by email and in the dashboard — with the
// answers people gave, and a group turned into a draft Library article on request.

import { and, asc, desc, eq, gte, inArray, like, lt } from 'drizzle-orm'
import type { AgentDecision } from '../../agents/router.ts'
import { AtlasError } from '../../common/errors.ts'
import type { Executor } from '../../drizzle/database.ts'
import { messages } from '../../drizzle/schema/conversations.ts'
import {
  type DigestGroup,
  knowledgeGapDigests,
  knowledgeGaps,
} from '../../drizzle/schema/customer-success.ts'
import { libraryDocuments } from '../../drizzle/schema/library.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { tickets } from '../../drizzle/schema/tickets.ts'
import { HANDOVER_QUESTION_PREFIX } from '../../machines/ticket-clocks.ts'
import type { JobContext, JobHandler } from '../jobs/context.ts'
import { notifyTeam } from '../notifications/notify.ts'
import { ticketNumber } from '../views/conversation.ts'
import { clusterQuestions } from './gap-clusters.ts'
import type { GapDigestJob, SuccessJobs } from './jobs.ts'
import { readCustomerSuccessSettings } from './settings.ts'

const DAY_MS = 24 * 3600 * 1000
const WEEK_MS = 7 * DAY_MS

/** The same cap as the log_knowledge_gap tool's input. */
const MAX_QUESTION_CHARS = 4000
/** Clustering is O(n²) in memory and time: a week beyond this keeps its latest questions. */
const MAX_DIGEST_GAPS = 2000
/** A group keeps every question in `count` but stores at most this many (the digest row is jsonb). */
const MAX_GROUP_QUESTIONS = 50
const MAX_ANSWER_CHARS = 2000
/** What the email shows: the biggest groups, a few questions each; the dashboard has the rest. */
const EMAIL_GROUPS = 20
const EMAIL_EXAMPLES = 3
const EMAIL_ANSWER_CHARS = 300

// --- Logging a turn's gap ---------------------------------------------------------------------

/**
 * Decision reasons that say the turn was not a question the Library should have answered: a
 * request only a person may act on or judge (`needs_human:*`, including `human_request` and
 * `complaint`), a qualified sales lead, or a confident answer held for review only because the
 * message was urgent or its intent ambiguous (or, behind `community:`, an answer held only because
 * public posts always are), and chit-chat. The rest of the agents' reasons (`low_confidence`,
 * `no_library_answer`, `needs_review`, `question_for_sales`) and unknown ones (plug-in agents) are gaps.
 */
const NOT_A_TOPIC =
  /^(?:needs_human:|urgent:|qualified_lead$|ambiguous_intent$|answered_from_library$|answered_and_qualifying$|qualifying$|clarify_intent$|thanks$|off_topic$)/
/** Abuse and injection attempts, should an agent or a guard ever name them in a reason. */
const ABUSE = /abuse|injection|jailbreak|spam|harass|threat|profanit/i
/** Wrappers around another reason: a public post held for review, or a hand-over asking for an email. */
const REASON_PREFIX = new RegExp(`^(?:community:|${HANDOVER_QUESTION_PREFIX})`)

export function isGapReason(reason: string): boolean {
  let inner = reason
  while (REASON_PREFIX.test(inner)) inner = inner.replace(REASON_PREFIX, '')
  return !NOT_A_TOPIC.test(inner) && !ABUSE.test(inner)
}

const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g
const URL = /\bhttps?:\/\/\S+/g
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu

/** Words of the message, without addresses and links ("it's sam@example.com" says nothing about a topic). */
function wordCount(text: string): number {
  return text.replace(EMAIL_ADDRESS, ' ').replace(URL, ' ').match(WORD)?.length ?? 0
}

export interface DecisionGap {
  tenantId: string
  ticketId: string
  turn: number
  question: string
  action: 'auto' | 'review' | 'escalate'
  reason: string
  confidence: number
  bestPassageId: string | null
  bestScore: number
}

/**
 * Logs the turn's question as a gap when the agent held its answer for review or escalated, unless
 * the reason says it was no question about a topic, or the message is under three words. Once per
 * ticket turn: the decision's own key, and no second row when the agent already logged this turn
 * with its log_knowledge_gap tool (which runs earlier in the same dispatch). Returns whether a row
 * was written.
 */
export async function logDecisionGap(db: Executor, gap: DecisionGap): Promise<boolean> {
  if (gap.action === 'auto' || !isGapReason(gap.reason)) return false
  const question = gap.question.trim().slice(0, MAX_QUESTION_CHARS)
  if (wordCount(question) < 3) return false
  // The tool's key is `<ticket>:` + the host's `<ticket>:turn:<n>:tool:<i>` (machines/host/effects.ts).
  const [byTool] = await db
    .select({ id: knowledgeGaps.id })
    .from(knowledgeGaps)
    .where(
      and(
        eq(knowledgeGaps.ticketId, gap.ticketId),
        like(knowledgeGaps.idempotencyKey, `${gap.ticketId}:${gap.ticketId}:turn:${gap.turn}:tool:%`),
      ),
    )
    .limit(1)
  if (byTool) return false
  const inserted = await db
    .insert(knowledgeGaps)
    .values({
      tenantId: gap.tenantId,
      ticketId: gap.ticketId,
      question,
      bestPassageId: gap.bestPassageId,
      bestScore: Number.isFinite(gap.bestScore) ? gap.bestScore : 0,
      reason: gap.reason,
      idempotencyKey: `${gap.ticketId}:turn:${gap.turn}:gap`,
    })
    .onConflictDoNothing()
    .returning({ id: knowledgeGaps.id })
  return inserted.length > 0
}

/**
 * The closest Library passage behind a decision, as far as the decision records it: the first
 * citation of a drafted reply (which has the passage id), and the best retrieval score the agent
 * stored in `scores.retrieval.top` (which has slug and heading, not the id).
 */
export function bestPassageOf(decision: Pick<AgentDecision, 'scores' | 'reply'>): {
  bestPassageId: string | null
  bestScore: number
} {
  const retrieval = decision.scores.retrieval as { top?: Array<{ score?: unknown }> } | undefined
  const score = retrieval?.top?.[0]?.score
  return {
    bestPassageId: decision.reply?.citations[0]?.passageId ?? null,
    bestScore: typeof score === 'number' && Number.isFinite(score) ? score : 0,
  }
}

// --- The digest ---------------------------------------------------------------------------------

/**
 * The period's gaps grouped by topic, biggest group first; questions nobody else asked come last,
 * one group each (they may be real gaps too). Each question carries the first reply a person sent on
 * its ticket after it was asked.
 */
export async function buildDigest(
  db: Executor,
  tenantId: string,
  period: { start: Date; end: Date },
): Promise<DigestGroup[]> {
  const latest = await db
    .select({
      id: knowledgeGaps.id,
      question: knowledgeGaps.question,
      ticketId: knowledgeGaps.ticketId,
      ticketNumber: tickets.number,
      createdAt: knowledgeGaps.createdAt,
    })
    .from(knowledgeGaps)
    .leftJoin(tickets, eq(tickets.id, knowledgeGaps.ticketId))
    .where(
      and(
        eq(knowledgeGaps.tenantId, tenantId),
        gte(knowledgeGaps.createdAt, period.start),
        lt(knowledgeGaps.createdAt, period.end),
      ),
    )
    .orderBy(desc(knowledgeGaps.createdAt), desc(knowledgeGaps.id))
    .limit(MAX_DIGEST_GAPS)
  const rows = latest.reverse()
  // The same question on the same ticket counts once (a turn logged by the tool and by the
  // decision before the check above existed, or a customer repeating themselves).
  const seen = new Set<string>()
  const gaps = rows.filter((g) => {
    if (!g.ticketId) return true
    const key = `${g.ticketId}\u0000${g.question.trim().toLowerCase().replace(/\s+/g, ' ')}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  if (gaps.length === 0) return []

  const answers = await humanAnswers(db, tenantId, gaps)
  const byId = new Map(gaps.map((g) => [g.id, g]))
  // The company's own name says nothing about the topic ("…out of Quillstack"): weigh it as context.
  const [tenant] = await db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId))
  const clusters = clusterQuestions(
    gaps.map((g) => ({ id: g.id, question: g.question })),
    { brandNames: tenant ? [tenant.name] : [] },
  )
  return clusters
    .map((cluster): DigestGroup => {
      const members = cluster.members
        .map((m) => byId.get(m.id)!)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      return {
        label: cluster.label,
        keywords: cluster.keywords,
        count: members.length,
        questions: members.slice(0, MAX_GROUP_QUESTIONS).map((g) => ({
          gapId: g.id,
          question: g.question,
          ticketId: g.ticketId,
          ticketNumber: g.ticketNumber,
          humanAnswer: answers.get(g.id) ?? null,
          askedAt: g.createdAt.toISOString(),
        })),
        articleId: null,
      }
    })
    .sort((a, b) => b.count - a.count)
}

/** Per gap: the first outbound message a person wrote on its ticket at or after the gap's time. */
async function humanAnswers(
  db: Executor,
  tenantId: string,
  gaps: ReadonlyArray<{ id: string; ticketId: string | null; createdAt: Date }>,
): Promise<Map<string, string>> {
  const ticketIds = [...new Set(gaps.flatMap((g) => (g.ticketId ? [g.ticketId] : [])))]
  const earliest = new Date(Math.min(...gaps.map((g) => g.createdAt.getTime())))
  const replies = new Map<string, Array<{ body: string; at: number }>>()
  for (let i = 0; i < ticketIds.length; i += 500) {
    const rows = await db
      .select({ ticketId: messages.ticketId, body: messages.body, createdAt: messages.createdAt })
      .from(messages)
      .where(
        and(
          eq(messages.tenantId, tenantId),
          inArray(messages.ticketId, ticketIds.slice(i, i + 500)),
          eq(messages.direction, 'outbound'),
          eq(messages.author, 'human'),
          gte(messages.createdAt, earliest),
        ),
      )
      .orderBy(asc(messages.createdAt), asc(messages.id))
    for (const row of rows) {
      const list = replies.get(row.ticketId!) ?? []
      list.push({ body: row.body, at: row.createdAt.getTime() })
      replies.set(row.ticketId!, list)
    }
  }
  const answers = new Map<string, string>()
  for (const gap of gaps) {
    const first = gap.ticketId
      ? replies.get(gap.ticketId)?.find((r) => r.at >= gap.createdAt.getTime() && r.body.trim())
      : undefined
    if (first) answers.set(gap.id, first.body.trim().slice(0, MAX_ANSWER_CHARS))
  }
  return answers
}

// --- The weekly job -----------------------------------------------------------------------------

/** Monday 00:00 UTC at or before `now`: where a digest week ends (and the next one starts). */
export function weekStartUtc(now: Date): Date {
  const daysSinceMonday = (now.getUTCDay() + 6) % 7
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysSinceMonday))
}

/** The week a digest job covers: from `periodStart`, or else the last whole week (Monday to Monday, UTC). */
export function digestPeriod(periodStart: string | undefined, now: Date): { start: Date; end: Date } {
  if (periodStart === undefined) {
    const end = weekStartUtc(now)
    return { start: new Date(end.getTime() - WEEK_MS), end }
  }
  const start = new Date(periodStart)
  if (Number.isNaN(start.getTime())) {
    throw new AtlasError('validation_failed', `The digest's periodStart ${periodStart} is not a date`)
  }
  return { start, end: new Date(start.getTime() + WEEK_MS) }
}

export interface GapDigestDeps {
  jobs: SuccessJobs
  publicUrl: string
  /** What time it is; tests pass their own clock. */
  now?: () => Date
}

/**
 * The weekly cron's job: one digest job per tenant, for the week that just ended, enqueued together.
 * The week is named in each job, so a job that runs late (a backlog, an outage) still digests the
 * right week, and the singleton key (tenant + week) keeps a repeated fan-out from queueing it twice.
 */
export function weeklyDigestFanOut(context: JobContext, deps: GapDigestDeps): JobHandler<object> {
  const { database, logger } = context
  return async () => {
    const period = digestPeriod(undefined, deps.now?.() ?? new Date())
    const periodStart = period.start.toISOString()
    const count = await database.db.transaction(async (tx) => {
      const all = await tx.select({ id: tenants.id }).from(tenants).orderBy(asc(tenants.id))
      for (const tenant of all) await deps.jobs.gapDigest(tx, { tenantId: tenant.id, periodStart })
      return all.length
    })
    logger.info({ tenants: count, periodStart }, 'knowledge-gap digests queued')
  }
}

/**
 * One tenant's digest for one week, stored once: the worker whose insert wins the unique
 * (tenant, week) index sends the notice in the same transaction, so two workers never store two
 * digests or send two emails. An empty week is stored (the dashboard shows it) and sends nothing.
 */
export function gapDigestHandler(context: JobContext, deps: GapDigestDeps): JobHandler<GapDigestJob> {
  const { database, logger } = context
  return async (job) => {
    const { tenantId } = job.data
    const now = deps.now?.() ?? new Date()
    const period = digestPeriod(job.data.periodStart, now)
    // A week that has not ended would be stored half-full, and its digest can never be redone.
    if (period.end.getTime() > now.getTime()) {
      logger.warn(
        { tenantId, periodStart: period.start },
        'knowledge-gap digest asked for an unfinished week',
      )
      return
    }
    const groups = await buildDigest(database.db, tenantId, period)
    await database.db.transaction(async (tx) => {
      const [digest] = await tx
        .insert(knowledgeGapDigests)
        .values({ tenantId, periodStart: period.start, periodEnd: period.end, groups })
        .onConflictDoNothing()
        .returning({ id: knowledgeGapDigests.id })
      if (!digest || groups.length === 0) return
      const settings = await readCustomerSuccessSettings(tx, tenantId, logger)
      const digestTo = settings.knowledgeGaps.digestTo
      const total = groups.reduce((sum, g) => sum + g.count, 0)
      const notified = await notifyTeam(tx, deps, {
        tenantId,
        kind: 'knowledge_gap_digest',
        title: `Knowledge gaps: ${total} question${total === 1 ? '' : 's'} the Library could not answer`,
        body: digestText(groups),
        path: '/app/knowledge-gaps',
        ...(digestTo.length > 0 ? { to: [], addresses: digestTo } : { to: 'admins' as const }),
        key: `knowledge_gap_digest:${digest.id}`,
        data: {
          digestId: digest.id,
          periodStart: period.start.toISOString(),
          periodEnd: period.end.toISOString(),
          questions: total,
          groups: groups.length,
        },
      })
      if (notified > 0) {
        await tx
          .update(knowledgeGapDigests)
          .set({ emailedAt: new Date() })
          .where(eq(knowledgeGapDigests.id, digest.id))
      }
      logger.info({ tenantId, digestId: digest.id, questions: total, notified }, 'knowledge-gap digest sent')
    })
  }
}

/** The plain-text digest: per group, how often it was asked, a few of the questions, and an answer given. */
export function digestText(groups: readonly DigestGroup[]): string {
  const blocks = groups.slice(0, EMAIL_GROUPS).map((group) => {
    const lines = [`Customers asked about ${group.label} ${group.count} time${group.count === 1 ? '' : 's'}`]
    for (const q of group.questions.slice(0, EMAIL_EXAMPLES)) lines.push(`  - "${oneLine(q.question, 200)}"`)
    const answered = group.questions.find((q) => q.humanAnswer)
    if (answered) {
      const where = answered.ticketNumber === null ? '' : ` (${ticketNumber(answered.ticketNumber)})`
      lines.push(`  Answer given${where}: ${oneLine(answered.humanAnswer!, EMAIL_ANSWER_CHARS)}`)
    }
    return lines.join('\n')
  })
  const rest = groups.length - EMAIL_GROUPS
  if (rest > 0) blocks.push(`…and ${rest} more topic${rest === 1 ? '' : 's'} in the dashboard.`)
  return blocks.join('\n\n')
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

// --- Drafting an article ------------------------------------------------------------------------

/**
 * A draft Library article from a digest group, for a writer to finish: the customers' questions and
 * the answers people gave. There is no draft status in the Library; what keeps the draft out of
 * the agent's answers is that retrieval only searches passages, and a passage is a `## ` section:
 * the draft has none (its headings are `###`, quoted text cannot start one), so it is stored
 * without passages, and also stays so when saved unchanged. Writing `## ` sections and saving the
 * article through the Library API publishes it. Tagged `draft` so the Library list shows it.
 * The digest row is locked while drafting, so a second call returns the same article.
 */
export async function draftArticleFromGroup(
  db: Executor,
  tenantId: string,
  digestId: string,
  groupIndex: number,
  by: string,
): Promise<{ articleId: string; created: boolean }> {
  return db.transaction(async (tx) => {
    const [digest] = await tx
      .select()
      .from(knowledgeGapDigests)
      .where(and(eq(knowledgeGapDigests.tenantId, tenantId), eq(knowledgeGapDigests.id, digestId)))
      .for('update')
    if (!digest) throw new AtlasError('not_found', `Knowledge-gap digest ${digestId} does not exist`)
    const group = Number.isInteger(groupIndex) ? digest.groups[groupIndex] : undefined
    if (!group) {
      throw new AtlasError(
        'not_found',
        `Knowledge-gap digest ${digestId} has no group ${groupIndex} (it has ${digest.groups.length})`,
      )
    }
    if (group.articleId) {
      const [existing] = await tx
        .select({ id: libraryDocuments.id })
        .from(libraryDocuments)
        .where(and(eq(libraryDocuments.tenantId, tenantId), eq(libraryDocuments.id, group.articleId)))
      // Deleted since: drafting again makes a new one.
      if (existing) return { articleId: existing.id, created: false }
    }
    const title = capitalise(group.label).slice(0, 300)
    const body = draftBody(group, digest.periodStart, by)
    const base = `draft-${slugify(group.label)}`
    let articleId: string | undefined
    for (let n = 1; !articleId; n++) {
      if (n > 50) throw new AtlasError('conflict', `Too many Library articles are named ${base}-…`)
      const [row] = await tx
        .insert(libraryDocuments)
        .values({
          tenantId,
          slug: n === 1 ? base : `${base}-${n}`,
          title,
          url: null,
          body,
          tags: ['draft', 'knowledge-gap'],
        })
        .onConflictDoNothing()
        .returning({ id: libraryDocuments.id })
      articleId = row?.id
    }
    const groups = digest.groups.map((g, i) => (i === groupIndex ? { ...g, articleId: articleId! } : g))
    await tx.update(knowledgeGapDigests).set({ groups }).where(eq(knowledgeGapDigests.id, digest.id))
    return { articleId, created: true }
  })
}

function capitalise(label: string): string {
  const text = label.trim() || 'Untitled topic'
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`
}

/** A Library slug (lowercase letters, digits, hyphens), short enough for the `draft-…-n` around it. */
function slugify(label: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '')
  return slug || 'topic'
}

function draftBody(group: DigestGroup, periodStart: Date, by: string): string {
  const week = periodStart.toISOString().slice(0, 10)
  const asked = group.questions.map((q) => `- ${oneLine(q.question, MAX_QUESTION_CHARS)}`)
  const more =
    group.count > group.questions.length ? [`- …and ${group.count - group.questions.length} more`] : []
  const answers = group.questions.flatMap((q) => {
    if (!q.humanAnswer) return []
    const where = q.ticketNumber === null ? 'A reply' : ticketNumber(q.ticketNumber)
    // Quoted line by line: an answer's own "## " line must not become a searchable section.
    const quoted = q.humanAnswer
      .trim()
      .split(/\r?\n/)
      .map((line) => `> ${line}`)
      .join('\n')
    return [`${where}, to "${oneLine(q.question, 200)}":\n\n${quoted}`]
  })
  return [
    `Draft from the knowledge-gap digest of the week of ${week} (drafted by ${by}): customers asked about ` +
      `${group.label} ${group.count} time${group.count === 1 ? '' : 's'} and the Library had no good answer. ` +
      'Write the answer as `## ` sections and save the article: only `## ` sections are searched, so until ' +
      'then the agent does not use this draft. Remove the notes below and the `draft` tag when you do.',
    '### What customers asked',
    [...asked, ...more].join('\n'),
    '### What we told them',
    answers.length > 0 ? answers.join('\n\n') : '_No one on the team has answered these yet._',
  ].join('\n\n')
}
