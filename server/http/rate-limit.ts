// Request rate limits: per client address, per tenant (its API keys and sessions together) and per
// webhook channel, each a token bucket that holds a minute's worth of requests and refills evenly.
// Over the limit is a 429 with Retry-After. The buckets live in this process's memory: each server
// process counts on its own, so N processes behind a load balancer allow up to N times the rate.
import type { Context, MiddlewareHandler } from 'hono'
import { AtlasError } from '../../common/errors.ts'
import type { RateLimitSettings } from '../config.ts'
import { type AuthVariables, FORWARDED_PRINCIPAL } from './auth.ts'

/** Buckets kept at most; beyond it, the ones full again (as good as new) are dropped, then the oldest. */
const MAX_KEYS = 100_000

/** Token buckets by key: `perMinute` requests at once, then one every 60/perMinute seconds. */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  readonly perMinute: number
  readonly #now: () => number
  readonly #maxKeys: number

  constructor(perMinute: number, now: () => number = Date.now, maxKeys = MAX_KEYS) {
    this.perMinute = perMinute
    this.#now = now
    this.#maxKeys = maxKeys
  }

  /** Takes one request's token for `key`: 0 when there was one, else the seconds until there is. */
  take(key: string): number {
    if (!(this.perMinute > 0)) return 0
    const now = this.#now()
    const perMs = this.perMinute / 60_000
    const bucket = this.#buckets.get(key)
    const tokens = bucket
      ? Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.at) * perMs)
      : this.perMinute
    // Re-inserted at the end: the map's order is least recently used first.
    this.#buckets.delete(key)
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now })
      // Whole milliseconds first, so float dust (999.9999…) does not round a second up.
      return Math.max(1, Math.ceil(Math.round((1 - tokens) / perMs) / 1000))
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now })
    if (this.#buckets.size > this.#maxKeys) this.#sweep(now)
    return 0
  }

  get size(): number {
    return this.#buckets.size
  }

  #sweep(now: number): void {
    const perMs = this.perMinute / 60_000
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= this.perMinute) this.#buckets.delete(key)
    }
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#maxKeys) break
      this.#buckets.delete(key)
    }
  }
}

/**
 * The client's address: the connection's peer or, behind a proxy you trust (ATLAS_TRUST_PROXY), the
 * last X-Forwarded-For entry (the one your proxy added; earlier ones are whatever the client sent).
 * Undefined for in-process requests (tests, the dashboard's own reads): there is no client to tell apart.
 */
export function clientAddress(c: Context, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = c.req
      .header('x-forwarded-for')
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .at(-1)
    if (forwarded) return forwarded.slice(0, 100)
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress
}

const WEBHOOK = /^\/webhooks\/([^/]+)\/([^/]+)/

export class RateLimiter {
  readonly #settings: RateLimitSettings
  readonly #perIp: TokenBuckets
  readonly #perTenant: TokenBuckets
  readonly #perChannel: TokenBuckets
  /** Requests already counted against their tenant (the auth middleware can run twice on one request). */
  readonly #counted = new WeakSet<Context>()

  constructor(settings: RateLimitSettings, now: () => number = Date.now) {
    this.#settings = settings
    this.#perIp = new TokenBuckets(settings.perIp, now)
    this.#perTenant = new TokenBuckets(settings.perTenant, now)
    this.#perChannel = new TokenBuckets(settings.perWebhookChannel, now)
  }

  /**
   * Before anything else: webhooks count against their channel (providers post from shared
   * addresses, so never against an address); everything else against the client's address.
   */
  byClient(): MiddlewareHandler {
    return async (c, next) => {
      if (c.req.path === '/healthz' || isForwarded(c)) return next()
      const webhook = WEBHOOK.exec(c.req.path)
      if (webhook) {
        const wait = this.#perChannel.take(`${webhook[1]}:${webhook[2]}`)
        if (wait > 0)
          throw limited(wait, `this webhook channel (${this.#settings.perWebhookChannel} a minute)`)
        return next()
      }
      const address = clientAddress(c, this.#settings.trustProxy)
      if (address !== undefined) {
        const wait = this.#perIp.take(address)
        if (wait > 0) throw limited(wait, `your address (${this.#settings.perIp} a minute)`)
      }
      return next()
    }
  }

  /** After authentication: every API key and session of a tenant draws on one bucket. */
  byTenant(): MiddlewareHandler<{ Variables: AuthVariables }> {
    return async (c, next) => {
      if (!isForwarded(c) && !this.#counted.has(c)) {
        this.#counted.add(c)
        const wait = this.#perTenant.take(c.get('auth').tenantId)
        if (wait > 0) throw limited(wait, `this workspace (${this.#settings.perTenant} a minute)`)
      }
      return next()
    }
  }
}

/** The dashboard's in-process reads were counted as the page request that made them. */
function isForwarded(c: Context): boolean {
  return Boolean((c.env as { [FORWARDED_PRINCIPAL]?: unknown } | undefined)?.[FORWARDED_PRINCIPAL])
}

function limited(retryAfterSeconds: number, scope: string): AtlasError {
  return new AtlasError(
    'rate_limited',
    `Too many requests for ${scope}, counted per server process; retry after ${retryAfterSeconds} s`,
    { details: { retryAfterSeconds } },
  )
}
