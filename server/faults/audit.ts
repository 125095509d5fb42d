// Counting a fault scenario: for every message the customers sent, was it acknowledged, did it reach
// exactly one outcome, and did any reply reach the provider twice. The database says what the
// runtime believes (testing/outcomes.ts); the fake Graph API says what customers actually received.
import type { Database } from '../../drizzle/database.ts'
import type { FakeGraphApi } from '../../testing/fake-graph-api.ts'
import { type Judged, judge, readMessageRecords, unfinishedJobs } from '../../testing/outcomes.ts'
import { sleep } from './deployment.ts'
import type { WhatsAppTraffic } from './traffic.ts'

export interface Tally {
  /** Messages the customers sent (each counted once, however often it was redelivered). */
  sent: number
  /** Messages the server answered with a 2xx. */
  acknowledged: number
  /** Acknowledged messages that reached one final outcome: answered, drafted or escalated. */
  processed: number
  /** Acknowledged messages without a final outcome (not stored, stuck, or a "sent" reply the provider never got). */
  lost: number
  /** Messages with more than one outcome, or a reply the provider received more than once. */
  duplicated: number
  answered: number
  drafted: number
  escalated: number
  /** Reply requests the provider accepted (HTTP 200). */
  providerSends: number
  /** Accepted reply requests beyond the first for the same reply. */
  duplicateSends: number
  /** Jobs running, retrying, or due and not started. */
  unfinishedJobs: number
}

export interface Audit {
  tally: Tally
  /** The first few lost or duplicated messages, described, for a failing test's message. */
  problems: string[]
  judged: Judged[]
}

/**
 * Accepted WhatsApp sends by our message id (WhatsApp echoes it as `biz_opaque_callback_data`), then
 * by the part sent: a long reply goes out in several parts, each of which must arrive once.
 */
export function providerSends(graph: FakeGraphApi): Map<string, Map<string, number>> {
  const sends = new Map<string, Map<string, number>>()
  for (const request of graph.requests) {
    if (request.method !== 'POST' || !/\/messages$/.test(request.path) || request.status !== 200) continue
    const body = request.json as Record<string, unknown> | undefined
    const id = body?.biz_opaque_callback_data
    if (typeof id !== 'string') continue
    const parts = sends.get(id) ?? new Map<string, number>()
    const part = JSON.stringify(body?.[String(body.type)] ?? null)
    parts.set(part, (parts.get(part) ?? 0) + 1)
    sends.set(id, parts)
  }
  return sends
}

export async function audit(
  database: Pick<Database, 'query'>,
  traffic: WhatsAppTraffic,
  graph: FakeGraphApi,
): Promise<Audit> {
  const judged = judge(await readMessageRecords(database))
  const byProviderId = new Map(judged.map((j) => [j.providerMessageId, j]))
  const sends = providerSends(graph)
  const counts = [...sends.values()].flatMap((parts) => [...parts.values()])
  const sendsOf = (replyId: string) => [...(sends.get(replyId)?.values() ?? [])]
  const tally: Tally = {
    sent: traffic.ledger.length,
    acknowledged: 0,
    processed: 0,
    lost: 0,
    duplicated: 0,
    answered: 0,
    drafted: 0,
    escalated: 0,
    providerSends: counts.reduce((a, b) => a + b, 0),
    duplicateSends: counts.reduce((a, b) => a + Math.max(0, b - 1), 0),
    unfinishedJobs: (await unfinishedJobs(database)).reduce((a, j) => a + j.count, 0),
  }
  const problems: string[] = []
  const note = (text: string) => {
    if (problems.length < 10) problems.push(text)
  }
  for (const entry of traffic.ledger) {
    const record = byProviderId.get(entry.providerMessageId)
    const repliesSentTo = record?.replyIds.map((id) => sendsOf(id)) ?? []
    const doubleSent = repliesSentTo.some((counts) => counts.some((n) => n > 1))
    const neverArrived = (record?.repliesSent ?? 0) > 0 && repliesSentTo.some((counts) => counts.length === 0)
    if (record && (record.duplicates.length > 0 || doubleSent)) {
      tally.duplicated++
      note(
        `#${entry.index} duplicated: ${[...record.duplicates, ...(doubleSent ? ['a reply sent twice to the provider'] : [])].join(', ')}`,
      )
    }
    if (!entry.acknowledged) {
      if (record) note(`#${entry.index} stored although never acknowledged (outcome ${record.outcome})`)
      continue
    }
    tally.acknowledged++
    if (!record || record.outcome === 'none' || neverArrived) {
      tally.lost++
      note(
        !record
          ? `#${entry.index} acknowledged but not stored`
          : `#${entry.index} no final outcome: ${JSON.stringify({ ...record, duplicates: undefined, replyIds: undefined })}${neverArrived ? ' (a reply marked sent never reached the provider)' : ''}`,
      )
      continue
    }
    tally.processed++
    tally[record.outcome]++
  }
  return { tally, problems, judged }
}

/**
 * Audits until every acknowledged message has its outcome and no job is left to run, or the time is
 * up; returns the last audit either way, so the test asserts on (and prints) what it found.
 */
export async function settle(
  database: Pick<Database, 'query'>,
  traffic: WhatsAppTraffic,
  graph: FakeGraphApi,
  timeoutMs: number,
): Promise<Audit> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await audit(database, traffic, graph).catch(() => undefined)
    const done = result && result.tally.lost === 0 && result.tally.unfinishedJobs === 0
    if (result && (done || Date.now() > deadline)) return result
    await sleep(1000)
  }
}
