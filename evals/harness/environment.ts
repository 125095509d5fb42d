// The world an eval runs in: an in-memory PGlite with the dataset's Library seeded as one tenant,
// and the production agent runtime (router, Atlas, Loot, gate, retrieval, tools) on the chosen model.
// Nothing here is eval-only except the database being in memory and the retrieval observer.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { calibratedThresholds } from '../../agents/calibrated-gates.ts'
import { DEFAULT_GATE, type GateConfig } from '../../agents/gate.ts'
import { LibraryMatchers } from '../../agents/local/library-matchers.ts'
import { LocalModel } from '../../agents/local/local-model.ts'
import type { AgentModel } from '../../agents/model.ts'
import { ModelRegistry, type ProviderName } from '../../agents/providers.ts'
import type { Retrieval } from '../../agents/retrieval.ts'
import type { AgentRuntime } from '../../agents/services.ts'
import { createSupportRuntime } from '../../agents/support-runtime.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { parseArticle } from '../../server/library/article.ts'
import { upsertArticle } from '../../server/library/store.ts'
import { SCOPE_MESSAGE } from '../../server/runtime.ts'
import { createTestDatabase, type TestDatabase } from '../../testing/database.ts'
import { BUILTIN_TOOLS } from '../../tools/index.ts'
import { type SeededCustomer, seedCustomers } from './customers.ts'
import { REPO_ROOT } from './dataset.ts'

export const MODEL_CACHE_DIR = join(REPO_ROOT, '.tmp/model-cache')
export const DEMO_BOOKING_URL = 'https://quillstack.io/demo'

export interface EvalEnvironmentOptions {
  library: string
  /** Other customers of the tenant (contacts, account records, past tickets). */
  customers?: readonly SeededCustomer[] | undefined
  provider: ProviderName
  /** The `openai` model (required when provider is openai). */
  openai?: AgentModel | undefined
  /** Replaces the deployment's gate (defaults + calibrated thresholds), e.g. to try a threshold. */
  gate?: Partial<GateConfig> | undefined
  /** Per-agent thresholds; by default the calibrated ones from agents/calibrated-gates.json. */
  agentGates?: Record<string, Pick<GateConfig, 'auto' | 'review'>> | undefined
  clarifyMargin?: number | undefined
  /** Called with every Library retrieval an agent makes (citation grounding is checked against it). */
  onRetrieve?: ((retrieval: Retrieval) => void) | undefined
}

export interface EvalEnvironment {
  tenantId: string
  agents: AgentRuntime
  /** The models in use, for token accounting. */
  models: AgentModel[]
  close(): Promise<void>
}

let localModel: LocalModel | undefined

export async function openEvalEnvironment(options: EvalEnvironmentOptions): Promise<EvalEnvironment> {
  mkdirSync(MODEL_CACHE_DIR, { recursive: true })
  localModel ??= LocalModel.loadOrTrain(MODEL_CACHE_DIR)
  const testDb: TestDatabase = await createTestDatabase()
  try {
    const db = testDb.database.db
    const [tenant] = await db.insert(tenants).values({ slug: 'eval', name: 'Eval' }).returning()
    const tenantId = tenant!.id
    for (const file of readdirSync(options.library)
      .filter((f) => f.endsWith('.md'))
      .sort()) {
      await upsertArticle(db, tenantId, parseArticle(readFileSync(join(options.library, file), 'utf8')))
    }
    const matchers = new LibraryMatchers({ cacheDir: MODEL_CACHE_DIR })
    await matchers.forTenant(db, tenantId)
    await seedCustomers(db, tenantId, options.customers ?? [])
    const local = localModel
    const models = new ModelRegistry({ local: async () => local, openai: options.openai }, options.provider)
    const agents = createSupportRuntime({
      clarifyMargin: options.clarifyMargin ?? 0.2,
      models,
      gate: { ...DEFAULT_GATE, ...options.gate },
      // A gate given explicitly is the one under test, for every agent.
      agentGates: options.gate ? {} : (options.agentGates ?? calibratedThresholds()),
      db,
      tools: BUILTIN_TOOLS,
      settings: { demoBookingUrl: DEMO_BOOKING_URL, scopeMessage: SCOPE_MESSAGE },
      matcher: (id) => matchers.forTenant(db, id),
      onRetrieve: options.onRetrieve,
    })
    return {
      tenantId,
      agents,
      models: [local, ...(options.openai ? [options.openai] : [])],
      close: () => testDb.drop(),
    }
  } catch (error) {
    await testDb.drop()
    throw error
  }
}
