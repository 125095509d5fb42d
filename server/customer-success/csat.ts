// The customer satisfaction (CSAT) survey: the job that asks the question after a ticket is resolved,
// reading the customer's answer from a chat reply or the email link, the alert on a low score, and the
// report (response rate, average, share of 4–5, per agent).
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm'
import { AtlasError } from '../../common/errors.ts'
import { type Executor, rowsOf, type Tx } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { conversations, messages } from '../../drizzle/schema/conversations.ts'
import { satisfactionSurveys } from '../../drizzle/schema/customer-success.ts'
import { satisfactionRatings } from '../../drizzle/schema/team.ts'
import { CLOSED_STATUSES, tickets } from '../../drizzle/schema/tickets.ts'
import type { Outbox } from '../../machines/host/outbox.ts'
import type { JobContext, JobHandler } from '../jobs/context.ts'
import { notifyTeam, ticketAudience } from '../notifications/notify.ts'
import { ticketNumber } from '../views/conversation.ts'
import { queueBotMessage } from './bot-message.ts'
import type { CsatJob, SuccessJobs } from './jobs.ts'
import { readCustomerSuccessSettings } from './settings.ts'

export interface CsatDeps {
  jobs: SuccessJobs
  /** The deployment's public URL, without a trailing slash: answer links and notification links start with it. */
  publicUrl: string
}

/** What each score means, as the email and the answer page say it. */
export const SCORE_LABELS: Record<1 | 2 | 3 | 4 | 5, string> = {
  1: 'very poor',
  2: 'poor',
  3: 'okay',
  4: 'good',
  5: 'excellent',
}

/** A chat reply counts as an answer only this long after the question: later, a "3" is about something else. */
const ANSWER_WINDOW_MS = 7 * 24 * 3600_000
/** Longest comment kept (the operators' satisfaction API takes the same). */
const MAX_COMMENT = 2000
/** Scores at or below this tell the team. */
const LOW_SCORE = 2

const isClosed = (status: string) => (CLOSED_STATUSES as readonly string[]).includes(status)

/** The public answer page of a survey. */
export function csatLink(publicUrl: string, token: string): string {
  return `${publicUrl}/csat/${encodeURIComponent(token)}`
}

/** The question as an email carries it: a link to the answer page, and one link per score. */
export function emailQuestion(question: string, link: string): string {
  const lines = ([1, 2, 3, 4, 5] as const).map((n) => `${n} – ${SCORE_LABELS[n]}: ${link}?score=${n}`)
  return [question, '', `Answer with one click: ${link}`, '', ...lines].join('\n')
}

/**
 * Job: ask the survey's question, `delayMinutes` after the ticket was resolved. Only a survey still
 * `scheduled` goes out, so a retried job asks once; a ticket reopened in the meantime is not asked
 * about (it was not resolved after all). The survey row is locked, so two workers cannot both send it.
 */
export function csatHandler(context: JobContext, deps: CsatDeps): JobHandler<CsatJob> {
  const { database, outbox, logger } = context
  return async (job) => {
    const { surveyId } = job.data
    const outcome = await database.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ survey: satisfactionSurveys, ticketStatus: tickets.status, channel: channels.kind })
        .from(satisfactionSurveys)
        .innerJoin(tickets, eq(tickets.id, satisfactionSurveys.ticketId))
        .leftJoin(conversations, eq(conversations.id, satisfactionSurveys.conversationId))
        .leftJoin(channels, eq(channels.id, conversations.channelId))
        .where(eq(satisfactionSurveys.id, surveyId))
        .for('update', { of: satisfactionSurveys })
      if (!row) return 'missing'
      const { survey } = row
      if (survey.status !== 'scheduled') return `already ${survey.status}`
      const skip = async (reason: string) => {
        await tx
          .update(satisfactionSurveys)
          .set({ status: 'skipped', skipReason: reason })
          .where(eq(satisfactionSurveys.id, survey.id))
        return `skipped: ${reason}`
      }
      if (!isClosed(row.ticketStatus)) return skip('the ticket was reopened')
      const settings = await readCustomerSuccessSettings(tx, survey.tenantId, logger)
      if (!settings.csat.enabled) return skip('satisfaction surveys were turned off')
      const now = context.host.now()
      // Email gets links (a reply with a number works too); chat channels answer in the thread.
      const body =
        row.channel === 'email'
          ? emailQuestion(settings.csat.question, csatLink(deps.publicUrl, survey.token))
          : settings.csat.question
      const queued = await queueBotMessage(tx, outbox, {
        ticketId: survey.ticketId,
        conversationId: survey.conversationId,
        tenantId: survey.tenantId,
        body,
        template: settings.csat.template,
        key: `csat:${survey.id}`,
        authorRef: 'csat',
        now,
      })
      if ('skipped' in queued) return skip(queued.skipped)
      await tx
        .update(satisfactionSurveys)
        .set({ status: 'sent', messageId: queued.messageId, sentAt: now })
        .where(eq(satisfactionSurveys.id, survey.id))
      return 'sent'
    })
    logger.info({ surveyId, outcome }, 'satisfaction survey job')
  }
}

export interface Rating {
  score: number
  comment: string | null
}

// Words that, right after a bare number, say the number counts something ("5 minutes ago", "2 more
// questions", "3 items missing"): such a message is about the order, not a rating, and must reach the
// ticket. Better to miss a rating than to swallow a customer's new problem.
const words = (...lines: string[]) => new Set(lines.join(' ').split(' '))
const COUNTING_WORDS = words(
  'more other another extra additional different separate same new left last first next previous',
  'of out or to and ago x time times am pm h hr hrs min mins o oclock th st nd rd percent pct',
  'second sec minute hour day week weekend month year yr night',
  'item order product package parcel box unit piece pcs pc bottle pair',
  'person people user seat license licence account device computer phone',
  'question issue problem thing email mail message ticket invoice payment',
  'euro eur dollar usd gbp pound buck cent kg g lb km mb gb',
)
/** Words ending in s that are not plurals of something counted. */
const NOT_PLURAL = words(
  'thanks cheers kudos always perhaps sometimes does was has its yes',
  'towards besides afterwards anyways regardless nevertheless',
)
const looksCounted = (word: string) =>
  COUNTING_WORDS.has(word) ||
  (word.length >= 4 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word) && !NOT_PLURAL.has(word))

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 }
const FILLED_STAR = /^[⭐★🌟]/u
const SEPARATORS = /^\s*[-–—:.,;!|)~=>]+\s*/u

/**
 * A customer's reply read as a 1–5 rating, with whatever they wrote after it as the comment: "5",
 * "4/5", "4 out of 5", "5 stars", "⭐⭐⭐⭐", "3 - ok I guess", "2. slow answers", "4 great help".
 * Null for anything else — a longer number, 0 or 6, a number counting something ("5 minutes ago…"),
 * a rating not at the start ("I have 2 more questions"): those are messages for the ticket.
 */
export function parseRating(text: string): Rating | null {
  // NFKC: full-width digits read as digits; a keycap emoji (4️⃣) is its digit.
  const s = text
    .normalize('NFKC')
    .replace(/([0-9])\uFE0F?\u20E3/gu, '$1')
    .trim()
  if (s.length === 0 || s.length > MAX_COMMENT + 40) return null
  return starRating(s) ?? wordRating(s) ?? numberRating(s)
}

function starRating(s: string): Rating | null {
  let rest = s
  let filled = 0
  let empty = 0
  for (;;) {
    if (FILLED_STAR.test(rest)) filled++
    else if (rest.startsWith('☆')) empty++
    else break
    rest = rest
      .slice([...rest][0]!.length)
      .replace(/^\uFE0F/u, '')
      .trimStart()
  }
  if (filled < 1 || filled > 5 || filled + empty > 5) return null
  return { score: filled, comment: commentOf(rest.replace(SEPARATORS, '')) }
}

function wordRating(s: string): Rating | null {
  // A number word only as the whole answer: "one, two, three" or "one more thing" is no rating.
  const match =
    /^(one|two|three|four|five)(?:\s+stars?)?(?:\s*(?:\/|out\s+of|of)\s*(?:5|five))?[\s.!]*$/iu.exec(s)
  return match ? { score: NUMBER_WORDS[match[1]!.toLowerCase()]!, comment: null } : null
}

function numberRating(s: string): Rating | null {
  const match = /^(?:(?:my\s+)?(?:rating|score)\b\s*(?:is\b|[:=-])?\s*)?([1-5])(?!\d)/iu.exec(s)
  if (!match) return null
  const score = Number(match[1])
  let rest = s.slice(match[0].length)
  const scale = /^\s*(?:\/|out\s+of\b|of\b)\s*(\d+)(?!\d)/iu.exec(rest)
  if (scale) {
    if (scale[1] !== '5') return null // "1/2 of the order", "4 out of 10": not our scale
    rest = rest.slice(scale[0].length)
  }
  rest = rest.replace(/^\s*(?:stars?\b|[⭐★*]\uFE0F?)/iu, '')
  if (rest.trim().length === 0) return { score, comment: null }

  const separator = SEPARATORS.exec(rest)
  if (separator) {
    const comment = rest.slice(separator[0].length)
    // "5.5", "4,5", "5:30", "4-5 days": a decimal, a time or a range, not a score.
    if (/^\d/u.test(comment)) return null
    return { score, comment: commentOf(comment) }
  }
  const spaced = /^\s+/u.exec(rest)
  if (!spaced) {
    // Attached to the number: "5th", "5%", "5pm", "5?" are not ratings; "5👍" is.
    return /^\p{Extended_Pictographic}/u.test(rest) ? { score, comment: commentOf(rest) } : null
  }
  const after = rest.slice(spaced[0].length)
  const word = /^[\p{L}'’]+/u.exec(after)?.[0]
  if (word)
    return looksCounted(word.toLowerCase().replace(/['’]/gu, ''))
      ? null
      : { score, comment: commentOf(after) }
  // "5 👍", '4 "quick"', "3 (could be faster)"; not "5 ?", "2 $", "3 #12".
  return /^(?:\p{Extended_Pictographic}|["'“‘(])/u.test(after) ? { score, comment: commentOf(after) } : null
}

function commentOf(text: string): string | null {
  const comment = text.trim().slice(0, MAX_COMMENT).trim()
  return comment.length > 0 ? comment : null
}

export interface SatisfactionAnswer {
  /** The survey answered; without it (an operator recording a rating), the ticket's survey if any. */
  surveyId?: string
  ticketId: string
  score: number
  comment: string | null
  via: 'message' | 'link' | 'operator'
}

/**
 * Records a customer's rating of a ticket: one per ticket, a later answer replaces the earlier one
 * (and counts from when it was given). The survey is marked answered, so a question not yet sent is
 * not asked any more. A low score tells whoever has the ticket, or the whole team.
 */
export async function recordSatisfaction(
  tx: Tx,
  deps: CsatDeps,
  answer: SatisfactionAnswer,
): Promise<{ replaced: boolean }> {
  if (!Number.isInteger(answer.score) || answer.score < 1 || answer.score > 5) {
    throw new AtlasError(
      'validation_failed',
      `A satisfaction score is a whole number from 1 to 5 (got ${answer.score})`,
    )
  }
  const [ticket] = await tx
    .select({
      tenantId: tickets.tenantId,
      contactId: tickets.contactId,
      number: tickets.number,
      assignee: tickets.assignee,
    })
    .from(tickets)
    .where(eq(tickets.id, answer.ticketId))
  if (!ticket) throw new AtlasError('not_found', `Ticket ${answer.ticketId} does not exist`)
  const comment = answer.comment ? commentOf(answer.comment) : null
  const [row] = await tx
    .insert(satisfactionRatings)
    .values({
      tenantId: ticket.tenantId,
      ticketId: answer.ticketId,
      contactId: ticket.contactId,
      score: answer.score,
      comment,
    })
    .onConflictDoUpdate({
      target: satisfactionRatings.ticketId,
      set: { score: answer.score, comment, contactId: ticket.contactId, createdAt: sql`now()` },
    })
    // xmax is 0 for a freshly inserted row and set when the upsert updated an existing one.
    .returning({ replaced: sql<boolean>`(xmax::text <> '0')` })

  const survey = eq(satisfactionSurveys.ticketId, answer.ticketId)
  await tx
    .update(satisfactionSurveys)
    .set({ status: 'answered', answeredAt: new Date() })
    .where(answer.surveyId ? and(survey, eq(satisfactionSurveys.id, answer.surveyId)) : survey)

  if (answer.score <= LOW_SCORE) {
    const tkt = ticketNumber(ticket.number)
    await notifyTeam(tx, deps, {
      tenantId: ticket.tenantId,
      kind: 'low_csat',
      title: `${tkt}: a customer rated the help ${answer.score}/5`,
      body: comment ? `They wrote: “${comment.slice(0, 500)}”` : 'They left no comment.',
      ticketId: answer.ticketId,
      path: `/app/tickets/${tkt}`,
      to: ticketAudience(ticket.assignee),
      key: `low_csat:${answer.ticketId}`,
      data: { score: answer.score, via: answer.via },
    })
  }
  return { replaced: Boolean(row?.replaced) }
}

/**
 * The inbound job asks this first: is the customer's message the answer to the satisfaction question?
 * It is when the conversation's latest survey was sent less than 7 days ago, its ticket is still
 * resolved or closed, and the text reads as a rating. Then the answer is recorded, the message joins
 * that ticket, a thank-you is queued, and true tells the caller not to hand the message to the ticket
 * (which would reopen it). Otherwise nothing changes and the message goes on as usual.
 */
export async function answerFromMessage(
  tx: Tx,
  outbox: Outbox,
  deps: CsatDeps,
  message: { conversationId: string; messageId: string; text: string; now: Date },
): Promise<boolean> {
  const rating = parseRating(message.text)
  if (!rating) return false
  const [survey] = await tx
    .select({
      id: satisfactionSurveys.id,
      tenantId: satisfactionSurveys.tenantId,
      ticketId: satisfactionSurveys.ticketId,
      status: satisfactionSurveys.status,
      sentAt: satisfactionSurveys.sentAt,
      ticketStatus: tickets.status,
    })
    .from(satisfactionSurveys)
    .innerJoin(tickets, eq(tickets.id, satisfactionSurveys.ticketId))
    .where(eq(satisfactionSurveys.conversationId, message.conversationId))
    .orderBy(desc(satisfactionSurveys.createdAt))
    .limit(1)
    // Two answers arriving together: the second waits, then finds the survey answered.
    .for('update', { of: satisfactionSurveys })
  if (survey?.status !== 'sent' || !survey.sentAt || !isClosed(survey.ticketStatus)) return false
  if (message.now.getTime() - survey.sentAt.getTime() > ANSWER_WINDOW_MS) return false

  await recordSatisfaction(tx, deps, {
    surveyId: survey.id,
    ticketId: survey.ticketId,
    score: rating.score,
    comment: rating.comment,
    via: 'message',
  })
  await tx
    .update(messages)
    .set({ ticketId: survey.ticketId })
    .where(and(eq(messages.id, message.messageId), eq(messages.conversationId, message.conversationId)))
  const settings = await readCustomerSuccessSettings(tx, survey.tenantId)
  // The customer just wrote, so every window is open: the thanks needs no template.
  await queueBotMessage(tx, outbox, {
    ticketId: survey.ticketId,
    conversationId: message.conversationId,
    tenantId: survey.tenantId,
    body: settings.csat.thanks,
    template: null,
    key: `csat-thanks:${survey.id}`,
    authorRef: 'csat',
    now: message.now,
  })
  return true
}

export type ScoreKey = '1' | '2' | '3' | '4' | '5'

export interface CsatReport {
  /** Surveys whose question went out in the range. */
  surveysSent: number
  /** Ratings given in the range (by message, link or recorded by an operator). */
  responses: number
  /** Share (0–1) of the surveys sent in the range that have been answered; null when none was sent. */
  responseRate: number | null
  /** Mean score of the responses; null without responses. */
  average: number | null
  /** Share (0–1) of the responses that scored 4 or 5; null without responses. */
  csat: number | null
  distribution: Record<ScoreKey, number>
  /** Per agent, most responses first: the person who resolved the ticket, or `bot` when the bot did. */
  byAgent: { agent: string; responses: number; average: number }[]
}

/** CSAT figures of one tenant over [from, to). */
export async function csatReport(
  db: Executor,
  tenantId: string,
  range: { from: Date; to: Date },
): Promise<CsatReport> {
  const [sent] = await db
    .select({
      sent: sql<number>`count(*)::int`,
      answered: sql<number>`(count(*) filter (where ${satisfactionSurveys.status} = 'answered'))::int`,
    })
    .from(satisfactionSurveys)
    .where(
      and(
        eq(satisfactionSurveys.tenantId, tenantId),
        gte(satisfactionSurveys.sentAt, range.from),
        lt(satisfactionSurveys.sentAt, range.to),
      ),
    )
  const scores = await db
    .select({ score: satisfactionRatings.score, count: sql<number>`count(*)::int` })
    .from(satisfactionRatings)
    .where(
      and(
        eq(satisfactionRatings.tenantId, tenantId),
        gte(satisfactionRatings.createdAt, range.from),
        lt(satisfactionRatings.createdAt, range.to),
      ),
    )
    .groupBy(satisfactionRatings.score)

  const distribution: Record<ScoreKey, number> = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }
  let responses = 0
  let total = 0
  for (const { score, count } of scores) {
    const key = String(score) as ScoreKey
    if (!(key in distribution)) continue
    distribution[key] += Number(count)
    responses += Number(count)
    total += score * Number(count)
  }
  const surveysSent = Number(sent?.sent ?? 0)

  // Who earned the rating: the owner when the ticket was (last) resolved or closed — the bot, or the
  // person assigned then. A ticket handed back to the bot after a person resolved it stays theirs;
  // without such an event (a rating on an open ticket) the ticket as it is now decides.
  const byAgent = rowsOf<{ agent: string; responses: number; average: number }>(
    await db.execute(sql`
      select a.agent, count(*)::int as responses, avg(r.score)::float8 as average
      from satisfaction_ratings r
      join tickets t on t.id = r.ticket_id
      left join lateral (
        select e.after ->> 'owner' as owner, e.after ->> 'assignee' as assignee
        from ticket_events e
        where e.ticket_id = t.id and e.outcome = 'applied'
          and e.after ->> 'status' in ('resolved', 'closed')
          and coalesce(e.before ->> 'status', '') not in ('resolved', 'closed')
        order by e.seq desc
        limit 1
      ) res on true
      cross join lateral (
        select case
          when coalesce(res.owner, t.owner) = 'bot' then 'bot'
          else coalesce(res.assignee, t.assignee, 'unassigned')
        end as agent
      ) a
      where r.tenant_id = ${tenantId}
        and r.created_at >= ${range.from.toISOString()}::timestamptz
        and r.created_at < ${range.to.toISOString()}::timestamptz
      group by a.agent
      order by count(*) desc, a.agent asc
    `),
  ).map((row) => ({ agent: row.agent, responses: Number(row.responses), average: Number(row.average) }))

  return {
    surveysSent,
    responses,
    responseRate: surveysSent > 0 ? Number(sent!.answered) / surveysSent : null,
    average: responses > 0 ? total / responses : null,
    csat: responses > 0 ? (distribution['4'] + distribution['5']) / responses : null,
    distribution,
    byAgent,
  }
}
