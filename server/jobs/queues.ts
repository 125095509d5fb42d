// The pg-boss queues of the runtime and their retry policies. Every queue dead-letters into
// `atlas.dead`, whose worker turns a job that ran out of retries into an escalation: nothing is
// dropped silently, not even a job whose worker crashed on every attempt.
import type { Queue } from 'pg-boss'

export const DEAD_LETTER_QUEUE = 'atlas.dead'

export const QUEUES = {
  inbound: 'atlas.inbound',
  agentTurn: 'atlas.agent-turn',
  delivery: 'atlas.delivery',
  timer: 'atlas.timer',
  retrain: 'atlas.retrain',
  window: 'atlas.window',
  media: 'atlas.media',
  summary: 'atlas.summary',
  route: 'atlas.route',
} as const

export type QueueKey = keyof typeof QUEUES

/**
 * Retry policy per queue. Workers beat every 5 s while a job runs, so a job whose process died is
 * noticed by its missing heartbeat within about 10–20 s, long before it would expire.
 */
export const QUEUE_OPTIONS: Record<QueueKey, Omit<Queue, 'name'>> = {
  inbound: {
    retryLimit: 5,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 60,
    expireInSeconds: 60,
    heartbeatSeconds: 10,
  },
  // A model call may be slow: a generous expiry; the heartbeat is what notices a dead worker.
  agentTurn: {
    retryLimit: 3,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 60,
    expireInSeconds: 300,
    heartbeatSeconds: 10,
  },
  // A channel outage can last minutes: back off up to 5 minutes between attempts.
  delivery: {
    retryLimit: 10,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 300,
    expireInSeconds: 120,
    heartbeatSeconds: 10,
  },
  timer: {
    retryLimit: 5,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 300,
    expireInSeconds: 60,
    heartbeatSeconds: 10,
  },
  window: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60, heartbeatSeconds: 10 },
  media: {
    retryLimit: 4,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 60,
    expireInSeconds: 300,
    heartbeatSeconds: 10,
  },
  summary: { retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: 120, heartbeatSeconds: 10 },
  route: { retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: 60, heartbeatSeconds: 10 },
  // `short`: at most one queued job per tenant, so a burst of corrections trains once.
  retrain: { policy: 'short', retryLimit: 3, retryDelay: 30, expireInSeconds: 600, heartbeatSeconds: 10 },
}
