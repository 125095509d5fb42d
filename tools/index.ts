// The built-in tools, by name. Read-only tools an agent may call while it thinks; tools that change
// the world are proposed in a decision and run by the ticket host once the decision is accepted.

import { createTicket } from './create-ticket.ts'
import { customerHealth } from './customer-health.ts'
import { customerLookup } from './customer-lookup.ts'
import type { AnyTool } from './define-tool.ts'
import { librarySearch } from './library-search.ts'
import { logKnowledgeGap } from './log-knowledge-gap.ts'
import { requestHuman } from './request-human.ts'

export const BUILTIN_TOOLS: readonly AnyTool[] = [
  librarySearch,
  customerLookup,
  customerHealth,
  createTicket,
  requestHuman,
  logKnowledgeGap,
] as readonly AnyTool[]

export { type AnyTool, defineTool, type Tool, type ToolContext } from './define-tool.ts'
export { createTicket, customerHealth, customerLookup, librarySearch, logKnowledgeGap, requestHuman }
