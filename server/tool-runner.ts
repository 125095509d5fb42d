// Binds the ticket host's tool effects to the tool registry: a world-changing tool, found by name,
// run in the host's transaction with its idempotency key.
import type { ToolRunner } from '../machines/host/tool-runner.ts'
import type { AnyTool } from '../tools/define-tool.ts'

export function createToolRunner(tools: readonly AnyTool[]): ToolRunner {
  const byName = new Map(tools.filter((t) => t.changesWorld).map((t) => [t.name, t]))
  return {
    async run(tx, call, scope) {
      const tool = byName.get(call.tool)
      if (!tool) throw new Error(`No world-changing tool is named ${call.tool}`)
      await tool.call(
        { tenantId: scope.tenantId, db: tx, idempotencyKey: call.idempotencyKey, ticket: scope.ticket },
        call.input,
      )
    },
  }
}
