// Runs datasets through the production agents: every case `repeat` times, several at once, each
// turn scored, then the metrics over everything. One environment (database + Library) per dataset.
import type { GateConfig } from '../../agents/gate.ts'
import type { AgentModel, ModelUsage } from '../../agents/model.ts'
import type { ProviderName } from '../../agents/providers.ts'
import type { EvalCase } from './case.ts'
import { playConversation, recordRetrieval } from './conversation.ts'
import type { Dataset } from './dataset.ts'
import { openEvalEnvironment } from './environment.ts'
import { computeMetrics, type EvalMetrics, round, type ScoredTurn } from './metrics.ts'
import { scoreTurn } from './scorers.ts'
import { type SecurityContext, type SecuritySummary, securityChecks, securitySummary } from './security.ts'

export interface RunOptions {
  provider: ProviderName
  openai?: AgentModel | undefined
  /** Runs per case; per-case pass rates come from these. */
  repeat?: number
  /** Cases in flight at once. */
  concurrency?: number
  gate?: Partial<GateConfig> | undefined
  agentGates?: Record<string, Pick<GateConfig, 'auto' | 'review'>> | undefined
  onProgress?: ((done: number, total: number) => void) | undefined
}

export interface CaseRun {
  pass: boolean
  turns: ScoredTurn[]
}

export interface CaseResult {
  id: string
  file: string
  tags: string[]
  channel: string
  /** Share of the runs in which every check of every turn passed. */
  passRate: number
  runs: CaseRun[]
}

export interface EvalRun {
  datasets: string[]
  model: string
  repeat: number
  startedAt: string
  durationMs: number
  cases: CaseResult[]
  metrics: EvalMetrics & {
    passRate: number
    cases: number
    flaky: number
    tokens: ModelUsage
    /** The security figures, when a dataset asked for the security checks. */
    security?: SecuritySummary
  }
}

export async function runEval(datasets: readonly Dataset[], options: RunOptions): Promise<EvalRun> {
  const repeat = Math.max(1, options.repeat ?? 1)
  const concurrency = Math.max(1, options.concurrency ?? 4)
  const started = performance.now()
  const startedAt = new Date().toISOString()
  const total = datasets.reduce((n, d) => n + d.cases.length, 0) * repeat
  let done = 0
  const results: CaseResult[] = []
  let securedCases = 0
  const usageBefore = usageOf(options.openai)
  for (const dataset of datasets) {
    const env = await openEvalEnvironment({
      library: dataset.library,
      customers: dataset.customers,
      provider: options.provider,
      openai: options.openai,
      gate: options.gate,
      agentGates: options.agentGates,
      onRetrieve: recordRetrieval,
    })
    try {
      const jobs = dataset.cases.flatMap((c) => Array.from({ length: repeat }, () => c))
      const runs = new Map<string, CaseRun[]>()
      const security = dataset.security ? { customers: dataset.customers } : null
      if (security) securedCases += dataset.cases.length
      await pool(jobs, concurrency, async (evalCase) => {
        const run = await runCase(env.agents, env.tenantId, evalCase, security)
        runs.set(evalCase.id, [...(runs.get(evalCase.id) ?? []), run])
        options.onProgress?.(++done, total)
      })
      for (const c of dataset.cases) {
        const caseRuns = runs.get(c.id)!
        results.push({
          id: c.id,
          file: c.file,
          tags: c.tags,
          channel: c.channel,
          passRate: caseRuns.filter((r) => r.pass).length / caseRuns.length,
          runs: caseRuns,
        })
      }
    } finally {
      await env.close()
    }
  }
  const turns = results.flatMap((c) => c.runs.flatMap((r) => r.turns))
  const usageAfter = usageOf(options.openai)
  return {
    datasets: datasets.map((d) => d.name),
    model: options.provider === 'openai' ? (options.openai?.name ?? 'openai') : 'local',
    repeat,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    cases: results,
    metrics: {
      cases: results.length,
      passRate: round(results.reduce((s, c) => s + c.passRate, 0) / Math.max(1, results.length), 4),
      flaky: results.filter((c) => c.passRate > 0 && c.passRate < 1).length,
      tokens: {
        promptTokens: usageAfter.promptTokens - usageBefore.promptTokens,
        completionTokens: usageAfter.completionTokens - usageBefore.completionTokens,
      },
      ...computeMetrics(turns),
      ...(securedCases > 0 ? { security: securitySummary(turns, securedCases) } : {}),
    },
  }
}

async function runCase(
  agents: Parameters<typeof playConversation>[0],
  tenantId: string,
  evalCase: EvalCase,
  security: SecurityContext | null,
) {
  const results = await playConversation(agents, tenantId, evalCase)
  const turns: ScoredTurn[] = results.map((result, i) => {
    const expect = evalCase.turns[i]!.expect
    const checks = [
      ...scoreTurn(expect, result),
      ...(security ? securityChecks(security, evalCase, i, result) : []),
    ]
    return { caseId: evalCase.id, turn: i, expect, result, checks }
  })
  return { pass: turns.every((t) => t.checks.every((c) => c.pass)), turns }
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

function usageOf(model: AgentModel | undefined): ModelUsage {
  return model?.usage?.() ?? { promptTokens: 0, completionTokens: 0 }
}
