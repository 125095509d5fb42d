// Kill the real server process (SIGKILL: no cleanup, no goodbye) between ingest and reply, and at
// random moments while it works; start it again. Every message must end with exactly one outcome,
// nothing lost, no reply sent twice.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../drizzle/database.ts'
import { messages } from '../drizzle/schema/conversations.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../testing/database.ts'
import { judge, readMessageRecords } from '../testing/outcomes.ts'
import { eventually } from '../testing/runtime.ts'
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts'

const API_KEY = 'atlas_crash_test_key_0123456789'
let dataDir: string
let testDb: TestDatabase | undefined
let env: Record<string, string>

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'atlas-crash-'))
  env = {
    ATLAS_DATA_DIR: dataDir,
    ATLAS_DEMO_API_KEY: API_KEY,
    ATLAS_MODEL_CACHE_DIR: resolve('.tmp/model-cache'),
  }
  if (testDatabaseKind === 'postgres') {
    testDb = await createTestDatabase()
    env.DATABASE_URL = testDb.url!
  }
})

afterAll(async () => {
  await testDb?.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Reads the database while no server runs (on PGlite the dead process's lock is taken over). */
async function withDatabase<T>(read: (database: Database) => Promise<T>): Promise<T> {
  const database = testDb ? testDb.database : await openDatabase({ dataDir })
  try {
    return await read(database)
  } finally {
    if (!testDb) await database.close()
  }
}

async function post(server: ServerProcess, i: number) {
  const response = await fetch(`${server.url}/v1/widget/demo/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      visitorId: `crash-${i}`,
      messageId: `m-${i}`,
      text: QUESTIONS[i % QUESTIONS.length],
    }),
  })
  expect(response.status).toBe(202)
  return ((await response.json()) as { conversationId: string }).conversationId
}

const QUESTIONS = [
  'How do I reset my password?',
  'I want a refund for my annual plan',
  'How do I export a board to CSV?',
  'Can I turn on two-factor authentication?',
  'How much is the Business plan?',
  'hello',
]

describe(`SIGKILL between ingest and reply (${testDatabaseKind})`, () => {
  it('completes every message after a restart: none lost, none answered twice', async () => {
    // Kill right after the 202 (ingest committed, reply not yet made) and at moments inside the work.
    const killAfterMs = [0, 0, 0, 15, 40, 80, 120, 200]
    const conversations: string[] = []
    let killedBeforeReply = 0
    for (const [i, delay] of killAfterMs.entries()) {
      const server = await startServerProcess(env)
      conversations.push(await post(server, i))
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
      expect(await server.kill('SIGKILL')).toBe('SIGKILL')
      const state = await withDatabase(async (database) => {
        const rows = await database.db
          .select()
          .from(messages)
          .where(eq(messages.conversationId, conversations[i]!))
        return {
          inbound: rows.filter((m) => m.direction === 'inbound').length,
          outbound: rows.filter((m) => m.direction === 'outbound').length,
        }
      })
      expect(state.inbound).toBe(1) // acknowledged means stored
      if (state.outbound === 0) killedBeforeReply++
    }
    expect(killedBeforeReply).toBeGreaterThan(0)

    const server = await startServerProcess(env)
    try {
      for (const conversationId of conversations) {
        await eventually(
          async () => {
            const response = await fetch(`${server.url}/v1/conversations/${conversationId}`, {
              headers: { authorization: `Bearer ${API_KEY}` },
            })
            const view = (await response.json()) as {
              decision: { action: string } | null
              draft: unknown
              messages: Array<{ direction: string; deliveryStatus: string }>
            }
            const outbound = view.messages.filter((m) => m.direction === 'outbound')
            // Settled: a draft waits for approval, or the reply (answer or hand-over notice) went
            // out, or failed for good (a send cut off by the kill is not repeated: a person takes over).
            if (!view.decision) return undefined
            if (view.decision.action === 'review') return view.draft ? true : undefined
            return outbound.length > 0 && outbound.every((m) => m.deliveryStatus !== 'queued')
              ? true
              : undefined
          },
          60_000,
          `conversation ${conversationId} to be answered after the restart`,
        )
      }
    } finally {
      expect(await server.kill('SIGTERM')).toBe(0)
    }

    // Exactly one outcome each (testing/outcomes.ts): stored once, one customer event, one verdict,
    // and answered (one reply, delivered once), drafted (one pending draft, nothing sent) or escalated.
    const judged = judge(await withDatabase(readMessageRecords))
    for (const conversationId of conversations) {
      const message = judged.find((j) => j.conversationId === conversationId)
      expect(message).toMatchObject({ storedCopies: 1, customerEvents: 1, verdicts: 1, duplicates: [] })
      expect(message!.outcome).not.toBe('none')
    }
  }, 600_000)
})
