// The customers' side of a fault scenario: WhatsApp messages posted to the server as Meta posts them
// (signed webhooks), each from its own number so each opens its own ticket, and redelivered until
// the server acknowledges them with a 2xx, as Meta redelivers a webhook that failed. The ledger
// remembers what was acknowledged: the messages the server promised not to lose.
import { signBody } from '../../adapters/shared/hmac-signature.ts'
import { envelope } from '../../adapters/whatsapp/test-fixtures.ts'
import { unixNow } from '../../testing/webhooks.ts'
import { APP_SECRET, sleep } from './deployment.ts'

/** A mix that ends every way a message can: answered, drafted for approval, escalated. */
export const QUESTIONS = [
  'How do I reset my password?',
  'I want a refund for my annual plan',
  'How do I export a board to CSV?',
  'Can I turn on two-factor authentication?',
  'How much is the Business plan?',
  'hello',
  'Please cancel my subscription today',
  'How do I invite a teammate to my workspace?',
]

export interface LedgerEntry {
  index: number
  providerMessageId: string
  from: string
  text: string
  /** POSTs made until one got a 2xx (or we gave up). */
  attempts: number
  acknowledged: boolean
}

export interface TrafficStats {
  /** Answers by status (`503`, `200` …); `network` for a request that got no HTTP answer. */
  statuses: Record<string, number>
  /** 503 answers that carried a Retry-After header. */
  retryAfter: number
  /** The slowest answer, in ms: a server that hangs shows here. */
  slowestMs: number
}

export class WhatsAppTraffic {
  readonly ledger: LedgerEntry[] = []
  readonly stats: TrafficStats = { statuses: {}, retryAfter: 0, slowestMs: 0 }
  readonly #byIndex = new Map<number, LedgerEntry>()
  readonly #url: () => string
  readonly #tag: string

  /** `url` is read for every request: a scenario may restart the server on another port. */
  constructor(url: () => string, tag: string) {
    this.#url = url
    this.#tag = tag
  }

  /** Posts message `index` until it is acknowledged, or `deadline` (epoch ms) passes. */
  async deliver(index: number, deadline = Date.now() + 120_000): Promise<LedgerEntry> {
    const entry = this.#entry(index)
    const raw = JSON.stringify(this.#webhook(entry))
    while (!entry.acknowledged && Date.now() < deadline) {
      entry.attempts++
      const started = Date.now()
      let wait = 250
      try {
        const response = await fetch(`${this.#url()}/webhooks/whatsapp/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'X-Hub-Signature-256': signBody(APP_SECRET, raw) },
          body: raw,
          signal: AbortSignal.timeout(15_000),
        })
        await response.arrayBuffer()
        this.#count(String(response.status))
        const retryAfter = response.headers.get('retry-after')
        if (response.status === 503 && retryAfter) this.stats.retryAfter++
        if (response.ok) entry.acknowledged = true
        // Meta backs off between redeliveries; a test does not wait as long as it asks.
        else if (retryAfter) wait = Math.min(1000, Number(retryAfter) * 1000)
      } catch {
        this.#count('network')
      }
      this.stats.slowestMs = Math.max(this.stats.slowestMs, Date.now() - started)
      if (!entry.acknowledged) await sleep(wait)
    }
    return entry
  }

  /** Delivers messages `from` … `from + count - 1`, `concurrency` at a time. */
  async deliverMany(from: number, count: number, concurrency = 8): Promise<void> {
    let next = from
    const lane = async () => {
      while (next < from + count) await this.deliver(next++)
    }
    await Promise.all(Array.from({ length: concurrency }, lane))
  }

  acknowledged(): LedgerEntry[] {
    return this.ledger.filter((e) => e.acknowledged)
  }

  #count(status: string) {
    this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1
  }

  #entry(index: number): LedgerEntry {
    const existing = this.#byIndex.get(index)
    if (existing) return existing
    const entry: LedgerEntry = {
      index,
      providerMessageId: `wamid.fault.${this.#tag}.${index}`,
      from: `1555${String(index).padStart(7, '0')}`,
      text: QUESTIONS[index % QUESTIONS.length]!,
      attempts: 0,
      acknowledged: false,
    }
    this.ledger.push(entry)
    this.#byIndex.set(index, entry)
    return entry
  }

  #webhook(entry: LedgerEntry) {
    const body = envelope({
      messages: [
        {
          from: entry.from,
          id: entry.providerMessageId,
          timestamp: String(unixNow()),
          type: 'text',
          text: { body: entry.text },
        },
      ],
    })
    body.entry[0]!.changes[0]!.value.contacts = [
      { profile: { name: `Customer ${entry.index}` }, wa_id: entry.from },
    ]
    return body
  }
}
