// A whole runtime for end-to-end suites: a fresh database, pg-boss, the ticket host, the workers
// with the trained local model, the demo tenant and the Hono app (called in-process via app.request).
import { LocalModel } from '../agents/local/local-model.ts'
import { createLogger, type Logger, silentLogger } from '../common/logger.ts'
import type { Database } from '../drizzle/database.ts'
import { createApp } from '../server/app.ts'
import type { AtlasConfig } from '../server/atlas-config.ts'
import { loadConfig } from '../server/config.ts'
import { JOB_SCHEMA } from '../server/jobs/job-store.ts'
import { type Runtime, startRuntime } from '../server/runtime.ts'
import { createTestDatabase, type TestDatabase } from './database.ts'

export const TEST_API_KEY = 'atlas_test_key_0123456789abcdef'

let sharedModel: LocalModel | undefined
/** Training takes seconds: one model per test file, cached on disk across files and runs. */
export function testModel(): LocalModel {
  sharedModel ??= LocalModel.loadOrTrain('.tmp/model-cache')
  return sharedModel
}

export interface TestRuntime {
  runtime: Runtime
  app: ReturnType<typeof createApp>
  testDatabase: TestDatabase
  tenantId: string
  apiKey: string
  /** Calls the app in-process with JSON and the API key. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>
  stop(): Promise<void>
}

export async function startTestRuntime(
  options: {
    model?: LocalModel
    env?: Record<string, string>
    agents?: AtlasConfig['agents']
    tools?: AtlasConfig['tools']
    /** A simulated clock for the ticket host (SLA due times and timers). */
    clock?: () => Date
    /** Where the runtime logs (default: nowhere, or ATLAS_TEST_LOG's level on stdout). */
    logger?: Logger
  } = {},
): Promise<TestRuntime> {
  const testDatabase = await createTestDatabase()
  const config = loadConfig({
    ATLAS_DEMO_API_KEY: TEST_API_KEY,
    ATLAS_DATA_DIR: '.tmp/test-data',
    ATLAS_MODEL_CACHE_DIR: '.tmp/model-cache',
    ...options.env,
  })
  const logger =
    options.logger ??
    (process.env.ATLAS_TEST_LOG ? createLogger({ level: process.env.ATLAS_TEST_LOG }) : silentLogger)
  const runtime = await startRuntime(config, logger, {
    database: testDatabase.database,
    model: options.model ?? testModel(),
    agents: options.agents,
    tools: options.tools,
    ...(options.clock ? { clock: options.clock } : {}),
  })
  const app = createApp(runtime)
  return {
    runtime,
    app,
    testDatabase,
    tenantId: runtime.demo!.tenantId,
    apiKey: TEST_API_KEY,
    api(method, path, body, headers = {}) {
      return Promise.resolve(
        app.request(path, {
          method,
          headers: {
            authorization: `Bearer ${TEST_API_KEY}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      )
    },
    async stop() {
      await runtime.stop()
      await testDatabase.drop()
    },
  }
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}

/**
 * Sets customer-success settings the way an admin does, section by section through
 * `PUT /v1/admin/customer-success/:section`, so a test's settings pass the same validation.
 */
export async function setCustomerSuccess(
  call: (method: string, path: string, body: unknown) => Promise<Response> | Response,
  sections: Record<string, unknown>,
): Promise<void> {
  for (const [section, value] of Object.entries(sections)) {
    const response = await call('PUT', `/v1/admin/customer-success/${section}`, value)
    if (response.status !== 200) {
      throw new Error(`settings section ${section}: HTTP ${response.status} ${await response.text()}`)
    }
  }
}

/**
 * Simulated time for pg-boss: releases the delayed jobs of `queues` due by `until` by moving their
 * start_after to now. That sends no NOTIFY, so workers find them on their polling backstop (~10 s).
 */
export async function releaseDueJobs(
  database: Pick<Database, 'query'>,
  until: Date,
  queues: readonly string[],
): Promise<void> {
  await database.query(
    `update ${JOB_SCHEMA}.job set start_after = now()
      where name = any($1::text[]) and state = 'created' and start_after > now() and start_after <= $2`,
    [queues, until.toISOString()],
  )
}
