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
  // Customer success (server/customer-success): team notifications, the satisfaction survey, health
  // scores (on events and nightly), churn save-play steps and the weekly knowledge-gap digest.
  notify: 'atlas.notify',
  csat: 'atlas.csat',
  health: 'atlas.health',
  healthNightly: 'atlas.health-nightly',
  saveStep: 'atlas.save-step',
  gapDigest: 'atlas.gap-digest',
  gapDigestWeekly: 'atlas.gap-digest-weekly',
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
  // A mail server or webhook receiver may be down for a while: back off up to 10 minutes.
  notify: {
    retryLimit: 8,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 600,
    expireInSeconds: 60,
    heartbeatSeconds: 10,
  },
  csat: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60, heartbeatSeconds: 10 },
  // `short`: one queued recomputation per customer, however many events arrive before it runs.
  health: { policy: 'short', retryLimit: 3, retryDelay: 5, expireInSeconds: 120, heartbeatSeconds: 10 },
  healthNightly: { retryLimit: 3, retryDelay: 60, expireInSeconds: 1800, heartbeatSeconds: 10 },
  saveStep: { retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 120, heartbeatSeconds: 10 },
  gapDigest: { retryLimit: 3, retryDelay: 60, expireInSeconds: 600, heartbeatSeconds: 10 },
  gapDigestWeekly: { retryLimit: 3, retryDelay: 60, expireInSeconds: 300, heartbeatSeconds: 10 },
  // `short`: at most one queued job per tenant, so a burst of corrections trains once.
  retrain: { policy: 'short', retryLimit: 3, retryDelay: 30, expireInSeconds: 600, heartbeatSeconds: 10 },
}
