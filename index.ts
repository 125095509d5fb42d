// Atlas Desk's public API, for developers who define agents and tools in code or embed the runtime.
// Everything else is internal and may change.

// Agents: define one, with the services and outcome types it works with.
export {
  type AgentDefinition,
  type AgentHandles,
  type AgentOutcome,
  type AgentServices,
  type AgentTurn,
  defineAgent,
} from './agents/define.ts'
// The confidence gate and its defaults.
export { DEFAULT_GATE, decide, type GateAction, type GateConfig } from './agents/gate.ts'
// Model providers share one interface.
export type { AgentModel, ComposedReply, ComposeInput, Triage } from './agents/model.ts'
export { createApp } from './server/app.ts'
// A deployment's own agents and tools (atlas.config.ts).
export { type AtlasConfig, defineConfig } from './server/atlas-config.ts'
// Embedding the runtime: configuration, the process runtime and the HTTP app.
export { loadConfig } from './server/config.ts'
export { type Runtime, startRuntime } from './server/runtime.ts'
// Tools: define one (zod input and output), and the built-in ones.
export { BUILTIN_TOOLS, defineTool, type Tool, type ToolContext } from './tools/index.ts'
