// pg-boss on the application database: started once per process, queues created (or updated) from
// QUEUE_OPTIONS, and an Outbox that enqueues inside the caller's drizzle transaction.
import { sql } from 'drizzle-orm'
import { PgBoss, type SendOptions } from 'pg-boss'
import type { Logger } from '../../common/logger.ts'
import type { Database, Tx } from '../../drizzle/database.ts'
import { TENANT_ROLE } from '../../drizzle/tenant-scope.ts'
import type { Outbox } from '../../machines/host/outbox.ts'
import { sendTraced } from './job-telemetry.ts'
import { DEAD_LETTER_QUEUE, QUEUE_OPTIONS, QUEUES, type QueueKey } from './queues.ts'

export const JOB_SCHEMA = 'pgboss'

export interface JobStore {
  readonly boss: PgBoss
  readonly outbox: Outbox
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>
}

export interface JobStoreOptions {
  database: Database
  logger: Logger
  /** Run maintenance (expiry, heartbeats, retention) in this process. */
  supervise?: boolean
  /** Retries of a failed agent turn before it escalates (default from QUEUE_OPTIONS). */
  agentTurnRetries?: number
}

export async function startJobStore({
  database,
  logger,
  supervise = true,
  agentTurnRetries,
}: JobStoreOptions): Promise<JobStore> {
  const boss = new PgBoss({
    ...database.jobStoreOptions,
    schema: JOB_SCHEMA,
    // Workers wake on NOTIFY the moment a job commits instead of waiting for the next poll.
    useListenNotify: true,
    supervise,
    // A crashed worker's job is noticed by its heartbeat/expiry within about ten seconds.
    superviseIntervalSeconds: 5,
    monitorIntervalSeconds: 10,
    // Workers read a queue's backlog from this cache to decide whether to keep fetching (workers.ts).
    queueCacheIntervalSeconds: 5,
  })
  boss.on('error', (error) => logger.error({ err: error }, 'job store error'))
  boss.on('warning', (warning) => logger.warn({ warning: warning.data }, `job store: ${warning.message}`))
  await boss.start()
  await grantJobTablesToTenants(database)
  await ensureQueue(boss, DEAD_LETTER_QUEUE, { retryLimit: 5, retryDelay: 5, retryBackoff: true })
  for (const key of Object.keys(QUEUES) as QueueKey[]) {
    const retries =
      key === 'agentTurn' && agentTurnRetries !== undefined ? { retryLimit: agentTurnRetries } : {}
    await ensureQueue(boss, QUEUES[key], { ...QUEUE_OPTIONS[key], ...retries, deadLetter: DEAD_LETTER_QUEUE })
  }
  // pg-boss looks a queue up in its cache before enqueueing, and on a miss reads it through its own
  // connection. Inside one of our transactions on single-connection PGlite that read would wait for
  // the transaction it is part of: a deadlock. Creating or updating a queue evicts it from the
  // cache, so warm the cache now, outside any transaction (findJobs caches the queue it looks in).
  for (const name of [DEAD_LETTER_QUEUE, ...Object.values(QUEUES)]) {
    await boss.findJobs(name, { key: 'atlas-cache-warm-up' })
  }
  return {
    boss,
    outbox: createOutbox(boss, database),
    stop: ({ graceful = true, timeoutMs = 10_000 } = {}) =>
      boss.stop({ graceful, timeout: timeoutMs, close: true }),
  }
}

/**
 * Tenant-scoped transactions run as the `atlas_tenant` role (drizzle/tenant-scope.ts) and enqueue
 * their jobs in the same transaction, so that role needs pg-boss's tables. pg-boss creates its schema
 * at start and a table per queue later, hence the default privileges. The job tables hold no
 * row-level policies: jobs carry ids, and their handlers read the data under the tenant's scope.
 */
async function grantJobTablesToTenants(database: Database) {
  const statements = [
    `grant usage on schema ${JOB_SCHEMA} to ${TENANT_ROLE}`,
    `grant select, insert, update, delete on all tables in schema ${JOB_SCHEMA} to ${TENANT_ROLE}`,
    `grant usage, select on all sequences in schema ${JOB_SCHEMA} to ${TENANT_ROLE}`,
    `alter default privileges in schema ${JOB_SCHEMA} grant select, insert, update, delete on tables to ${TENANT_ROLE}`,
  ]
  // Concurrent GRANTs on one object fail ("tuple concurrently updated"): processes starting together
  // take turns on a transaction-scoped advisory lock.
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${JOB_GRANTS_LOCK_ID})`)
    for (const statement of statements) await tx.execute(sql.raw(statement))
  })
}

const JOB_GRANTS_LOCK_ID = 0x41746c62 // "Atlb"; migrations hold "Atla"

async function ensureQueue(
  boss: PgBoss,
  name: string,
  options: Parameters<PgBoss['createQueue']>[1] & object,
) {
  const existing = await boss.getQueue(name)
  if (!existing) {
    await boss.createQueue(name, { ...options, notify: true })
    return
  }
  const { policy: _policy, partition: _partition, ...updatable } = options
  await boss.updateQueue(name, { ...updatable, notify: true })
}

function createOutbox(boss: PgBoss, database: Database): Outbox {
  const send = (tx: Tx, queue: string, data: object, options: SendOptions = {}) =>
    sendTraced(queue, data, !!options.startAfter, (traced) =>
      boss.send(queue, traced, { ...options, db: database.jobsIn(tx) }),
    )
  return {
    inbound: (tx, job) => send(tx, QUEUES.inbound, job),
    agentTurn: (tx, job) => send(tx, QUEUES.agentTurn, job),
    delivery: (tx, job) => send(tx, QUEUES.delivery, job),
    retrain: (tx, job) => send(tx, QUEUES.retrain, job, { singletonKey: job.tenantId }),
    media: (tx, job) => send(tx, QUEUES.media, job),
    summary: (tx, job) =>
      send(tx, QUEUES.summary, job, { singletonKey: `${job.ticketId}:${job.reason}:${job.turn}` }),
    route: (tx, job) => send(tx, QUEUES.route, job),
    window: (tx, job) =>
      send(tx, QUEUES.window, job, {
        startAfter: new Date(job.expiresAt),
        // One check per conversation and closing time, however many messages refreshed it.
        singletonKey: `${job.conversationId}:${job.expiresAt}`,
      }),
    timer: (tx, job, at) =>
      send(tx, QUEUES.timer, job, {
        startAfter: at,
        // One pending job per ticket timer, token and phase, however often the effect is replayed.
        singletonKey: `${job.ticketId}:${job.timer}:${job.token}${job.phase ? `:${job.phase}` : ''}`,
      }),
  }
}

/**
 * Jobs left `active` by a process that died. Only safe when no other process can be working them —
 * embedded PGlite, whose data folder this process holds locked. On PostgreSQL the heartbeat and
 * expiry monitors return them to the queue instead.
 */
export async function recoverOrphanedJobs(boss: PgBoss, database: Database, logger: Logger): Promise<number> {
  const rows = await database.query<{ id: string; name: string }>(
    `select id::text as id, name from ${JOB_SCHEMA}.job where state = 'active'`,
  )
  const byQueue = new Map<string, string[]>()
  for (const row of rows) byQueue.set(row.name, [...(byQueue.get(row.name) ?? []), row.id])
  for (const [name, ids] of byQueue) {
    await boss.fail(name, ids, { message: 'the process running this job stopped; retrying' })
  }
  if (rows.length > 0)
    logger.warn({ jobs: rows.length }, 'returned jobs orphaned by a stopped process to their queues')
  return rows.length
}
