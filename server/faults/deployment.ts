// The deployment a fault scenario breaks: a fresh database on the PostgreSQL server, a fake Graph API
// for WhatsApp replies, one `--role server` process and worker processes (`--role worker`), all
// real child processes of `node server/main.ts` that a scenario may kill, stop and start again.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PHONE_NUMBER_ID } from '../../adapters/whatsapp/test-fixtures.ts'
import { createTestDatabase, type TestDatabase, testDatabaseKind } from '../../testing/database.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../../testing/fake-graph-api.ts'
import { type FakeSmtp, startFakeSmtp } from '../../testing/fake-smtp.ts'
import { type ServerProcess, startServerProcess } from '../../testing/server-process.ts'

const LOG_DIR = resolve('test-artifacts/faults/logs')

export const FAULT_API_KEY = 'atlas_fault_suite_key_0123456789'
export const APP_SECRET = 'fault-suite-meta-app-secret'
export { PHONE_NUMBER_ID }

export interface Deployment {
  testDb: TestDatabase
  graph: FakeGraphApi
  /** Where the team's escalation emails go (an unreachable SMTP server would keep them retrying). */
  smtp: FakeSmtp
  /** The environment every process of this deployment starts with. */
  env: Record<string, string>
  server: ServerProcess
  /** The worker processes started and not yet stopped (a killed one is removed). */
  workers: ServerProcess[]
  /** Starts one more worker and waits until it has registered its job handlers. */
  startWorker(): Promise<ServerProcess>
  /** How long each worker took to start, in ms, in order. */
  workerStarts: number[]
  /** Stops one worker with `signal` and forgets it; resolves with its exit code or signal. */
  stopWorker(worker: ServerProcess, signal: NodeJS.Signals): Promise<number | string>
  /** Everything the processes printed, for a failing test's message. */
  output(): string
  /** Stops everything; the processes' output is kept in test-artifacts/faults/logs/<name>.log. */
  stop(): Promise<void>
}

export interface DeploymentOptions {
  /** Names the log file. */
  name: string
  workers: number
  /** Extra environment for every process (model provider, concurrency …). */
  env?: Record<string, string>
}

export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  if (testDatabaseKind !== 'postgres') {
    throw new Error(
      'The fault suite runs on PostgreSQL: set ATLAS_TEST_DATABASE_URL (npm run test:faults does)',
    )
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'atlas-faults-'))
  const graph = await startFakeGraphApi()
  const smtp = await startFakeSmtp()
  const testDb = await createTestDatabase()
  const env: Record<string, string> = {
    DATABASE_URL: testDb.url!,
    ATLAS_DATA_DIR: dataDir,
    ATLAS_MODEL_CACHE_DIR: resolve('.tmp/model-cache'),
    ATLAS_DEMO_API_KEY: FAULT_API_KEY,
    ATLAS_DEMO_META_APP_SECRET: APP_SECRET,
    ATLAS_DEMO_GRAPH_BASE: graph.url,
    ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN: graph.accessToken,
    ATLAS_DEMO_WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    ATLAS_DEMO_SMTP_URL: smtp.url,
    ...options.env,
  }
  const retired: ServerProcess[] = []
  const workers: ServerProcess[] = []
  const workerStarts: number[] = []
  const startWorker = async () => {
    const started = Date.now()
    const worker = await startServerProcess(env, { role: 'worker' })
    workerStarts.push(Date.now() - started)
    workers.push(worker)
    return worker
  }
  let server: ServerProcess | undefined
  // A test process that dies (a timeout, Ctrl-C) must not leave its deployment running.
  const orphans = () => {
    for (const p of [server, ...workers]) p?.child.kill('SIGKILL')
  }
  process.once('exit', orphans)
  try {
    // The server first: it migrates and seeds the demo tenant the workers look up.
    server = await startServerProcess(env, { role: 'server' })
    await Promise.all(Array.from({ length: options.workers }, startWorker))
  } catch (error) {
    orphans()
    process.off('exit', orphans)
    await Promise.all([graph.close(), smtp.close(), testDb.drop()])
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }

  const output = () =>
    [server, ...workers, ...retired].map((p, i) => `--- ${p.role} #${i}\n${p.output()}`).join('\n')
  return {
    testDb,
    graph,
    smtp,
    env,
    server,
    workers,
    startWorker,
    workerStarts,
    async stopWorker(worker, signal) {
      workers.splice(workers.indexOf(worker), 1)
      retired.push(worker)
      return worker.kill(signal)
    },
    output,
    async stop() {
      await Promise.all([server, ...workers].map((p) => stopProcess(p)))
      process.off('exit', orphans)
      mkdirSync(LOG_DIR, { recursive: true })
      writeFileSync(join(LOG_DIR, `${options.name}.log`), output())
      await graph.close()
      await smtp.close()
      await testDb.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** SIGTERM, and SIGKILL if it has not exited within the grace period and then some. */
async function stopProcess(p: ServerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 30_000)
  await p.kill('SIGTERM')
  clearTimeout(timer)
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))
