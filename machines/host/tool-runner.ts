// Runs the world-changing tools an accepted decision proposed, inside the transaction that applies
// it: the change commits with the decision (and the reply that announces it) or not at all. The
// runtime binds this to the tool registry; the host only knows the shape.
import type { Tx } from '../../drizzle/database.ts'

export interface ToolCallScope {
  tenantId: string
  ticket: { id: string; conversationId: string; contactId: string }
}

export interface ToolRunner {
  run(
    tx: Tx,
    call: { tool: string; input: Record<string, unknown>; idempotencyKey: string },
    scope: ToolCallScope,
  ): Promise<void>
}

/** For hosts that never run tools (tests of the lifecycle alone): proposing one is a bug. */
export const noTools: ToolRunner = {
  async run(_tx, call) {
    throw new Error(`No tool runner is configured, so ${call.tool} cannot run`)
  },
}
