// The agent runtime the server runs — Atlas and Loot behind the router, plus any agents a developer
// defines — in one place, so the eval harness runs exactly the same code as production.
import { atlas } from './atlas/index.ts'
import type { AgentDefinition } from './define.ts'
import { loot } from './loot/index.ts'
import { createRouter, DEFAULT_CLARIFY_QUESTION } from './router.ts'
import { type AgentRuntime, type AgentRuntimeOptions, createAgentRuntime } from './services.ts'

export interface SupportRuntimeOptions extends Omit<AgentRuntimeOptions, 'router'> {
  /** Support and sales closer than this ask one clarifying question. */
  clarifyMargin: number
  /** Agents besides Atlas and Loot. */
  agents?: readonly AgentDefinition[] | undefined
}

export function createSupportRuntime({
  clarifyMargin,
  agents,
  ...options
}: SupportRuntimeOptions): AgentRuntime {
  const router = createRouter({
    agents: [atlas, loot, ...(agents ?? [])],
    fallback: atlas.name,
    clarifyMargin,
    clarifyQuestion: DEFAULT_CLARIFY_QUESTION,
    gate: options.gate,
  })
  return createAgentRuntime({ ...options, router })
}
