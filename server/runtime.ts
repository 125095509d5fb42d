// Wires one process: database (PGlite or PostgreSQL) and its migrations, pg-boss on the same
// database, the ticket host, and — in worker roles — the agent and the job workers. `npm start`
// runs everything in one process; `npm run server` / `npm run worker` split it on PostgreSQL.
import { type Assist, createAssist } from '../agents/assist/index.ts'
import { calibratedThresholds } from '../agents/calibrated-gates.ts'
import type { AgentDefinition } from '../agents/define.ts'
import { DEFAULT_GATE } from '../agents/gate.ts'
import { LibraryMatchers } from '../agents/local/library-matchers.ts'
import { LocalModel } from '../agents/local/local-model.ts'
import { LocalModels } from '../agents/local/tenant-models.ts'
import { OpenAIModel } from '../agents/openai/openai-model.ts'
import { ModelRegistry } from '../agents/providers.ts'
import { createSupportRuntime } from '../agents/support-runtime.ts'
import { AtlasError } from '../common/errors.ts'
import type { Logger } from '../common/logger.ts'
import type { SecretBox } from '../common/secret-box.ts'
import { type Database, openDatabase } from '../drizzle/database.ts'
import { TicketHost } from '../machines/host/ticket-host.ts'
import type { AnyTool } from '../tools/define-tool.ts'
import { BUILTIN_TOOLS } from '../tools/index.ts'
import { sealStoredChannelSecrets } from './channels/seal-stored-secrets.ts'
import type { Config } from './config.ts'
import { ConversationEvents } from './conversation-events.ts'
import { createSuccessJobs, type SuccessJobs } from './customer-success/jobs.ts'
import { createTicketCustomerSuccess } from './customer-success/ticket-effects.ts'
import { type DemoTenant, findDemoTenant, seedDemoTenant } from './demo/seed.ts'
import { type JobStore, recoverOrphanedJobs, startJobStore } from './jobs/job-store.ts'
import { observeQueues } from './jobs/queue-metrics.ts'
import { startWorkers } from './jobs/workers.ts'
import { loadSecretBox } from './secret-keys.ts'
import { type FileStorage, LocalFileStorage } from './storage/file-storage.ts'
import { tenantAgentSettings, tenantModelChoice } from './tenant-settings.ts'
import { createToolRunner } from './tool-runner.ts'

export interface Runtime {
  readonly config: Config
  readonly database: Database
  readonly jobs: JobStore
  readonly host: TicketHost
  readonly logger: Logger
  readonly demo: DemoTenant | null
  /** Wakes live views (the widget's event stream) when a conversation changes in this process. */
  readonly events: ConversationEvents
  /** Attachment bytes: email attachments stored by the webhook, provider media by the media job. */
  readonly storage: FileStorage
  /** AI assist for operators (summaries, reply suggestions): local, or openai when configured. */
  readonly assist: Assist
  /** Customer-success jobs (notifications, surveys, health, save plays, digests). */
  readonly success: SuccessJobs
  /** Encrypts and decrypts channel secrets (server/channels/channel-config.ts). */
  readonly secretBox: SecretBox
  stop(): Promise<void>
}

export const SCOPE_MESSAGE =
  "Hi! I'm the support assistant. I can answer questions about our product, plans and billing — " +
  'what can I help you with? If you would rather talk to a person, just say so.'

export interface RuntimeOverrides {
  /** An already open database (tests); the runtime migrates it and closes it on stop. */
  database?: Database
  /** A trained model to use instead of training the local one at start-up. */
  model?: LocalModel
  /** Agents besides Atlas and Loot (defined with defineAgent), and the tools they propose. */
  agents?: readonly AgentDefinition[] | undefined
  tools?: readonly AnyTool[] | undefined
  /** The host's clock (tests simulate time with it: SLA due times and timers follow it). */
  clock?: () => Date
}

export async function startRuntime(
  config: Config,
  logger: Logger,
  overrides: RuntimeOverrides = {},
): Promise<Runtime> {
  if (!config.databaseUrl && config.role !== 'all') {
    throw new AtlasError(
      'config_invalid',
      `--role ${config.role} needs DATABASE_URL: embedded PGlite serves a single process, so server and worker must run together (npm start).`,
    )
  }
  // Before the database opens: a missing or malformed key stops the start with nothing to clean up.
  const secretBox = loadSecretBox(config, logger)
  const database =
    overrides.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }))
  let jobs: JobStore | undefined
  try {
    await database.migrate()
    // Before anything reads a channel: no plaintext secret is left, none sealed with an old key.
    await sealStoredChannelSecrets(database.db, secretBox, logger)
    jobs = await startJobStore({ database, logger, agentTurnRetries: config.agentTurnRetries })
    if (database.kind === 'pglite') await recoverOrphanedJobs(jobs.boss, database, logger)
    const tools = [...BUILTIN_TOOLS, ...(overrides.tools ?? [])]
    const events = new ConversationEvents()
    const storage = new LocalFileStorage(config.storageDir)
    // One OpenAI client per process, shared by the agents and AI assist.
    const openai = config.openai ? new OpenAIModel({ ...config.openai, logger }) : undefined
    const assist = createAssist({
      model: openai,
      defaultProvider: config.model,
      choiceFor: (tenantId) => tenantModelChoice(database.db, tenantId, logger),
      logger,
    })
    const success = createSuccessJobs(jobs.boss, database)
    const host = new TicketHost({
      database,
      outbox: jobs.outbox,
      tools: createToolRunner(tools),
      autoCloseSeconds: config.autoCloseSeconds,
      customerSuccess: createTicketCustomerSuccess({ jobs: success, publicUrl: config.publicUrl, logger }),
      ...(overrides.clock ? { clock: overrides.clock } : {}),
    })
    // The process that serves HTTP seeds the demo tenant and owns its key; a worker never does, so
    // two processes starting together cannot install two different demo keys.
    const demo =
      config.seedDemo && config.role !== 'worker'
        ? await seedDemoTenant(database.db, {
            apiKey: config.demoApiKey,
            dataDir: config.dataDir,
            channels: config.demoChannels,
            team: config.demoTeam,
            secretBox,
          })
        : null

    if (config.role !== 'server') {
      const base = overrides.model ?? LocalModel.loadOrTrain(config.modelCacheDir, logger)
      const localModels = new LocalModels({ base, cacheDir: config.modelCacheDir, logger })
      const models = new ModelRegistry(
        {
          local: (tenantId) => localModels.forTenant(database.db, tenantId),
          openai,
        },
        config.model,
      )
      const matchers = new LibraryMatchers({ cacheDir: config.modelCacheDir, logger })
      // Train (or load) the demo Library's matcher now, so the first message does not wait for it.
      const demoTenantId = demo?.tenantId ?? (await findDemoTenant(database.db))
      if (demoTenantId) await matchers.forTenant(database.db, demoTenantId)
      const agents = createSupportRuntime({
        agents: overrides.agents,
        clarifyMargin: config.clarifyMargin,
        models,
        settingsFor: (tenantId) => tenantAgentSettings(database.db, tenantId, logger),
        ...deploymentGates(config),
        db: database.db,
        tools,
        settings: { demoBookingUrl: config.demoBookingUrl, scopeMessage: SCOPE_MESSAGE },
        matcher: (tenantId) => matchers.forTenant(database.db, tenantId),
      })
      await startWorkers(
        jobs.boss,
        { database, host, logger, events, outbox: jobs.outbox },
        {
          concurrency: config.workerConcurrency,
          agent: agents,
          tools,
          localModels,
          storage,
          secretBox,
          transcription: config.transcription,
          assist,
          success: { jobs: success, publicUrl: config.publicUrl },
        },
      )
    }

    const jobStore = jobs
    const stopObservingQueues = observeQueues(database)
    return {
      events,
      storage,
      assist,
      success,
      secretBox,
      config,
      database,
      jobs: jobStore,
      host,
      logger,
      demo,
      async stop() {
        // Graceful: in-flight jobs finish (or return to the queue after the timeout), then the database closes.
        stopObservingQueues()
        await jobStore.stop({ graceful: true, timeoutMs: 10_000 })
        await database.close()
      },
    }
  } catch (error) {
    await jobs?.stop({ graceful: false }).catch(() => {})
    await database.close().catch(() => {})
    throw error
  }
}

/**
 * The deployment's gate: the defaults under any ATLAS_GATE_* set, and the thresholds calibrated per
 * agent from the eval dataset — unless ATLAS_GATE_AUTO or ATLAS_GATE_REVIEW is set, which the
 * operator meant for every agent.
 */
export type DeploymentGates = ReturnType<typeof deploymentGates>

export function deploymentGates(config: Pick<Config, 'gate'>) {
  const explicit = config.gate.auto !== undefined || config.gate.review !== undefined
  return {
    gate: { ...DEFAULT_GATE, ...definedOnly(config.gate) },
    agentGates: explicit ? {} : calibratedThresholds(),
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
