// How a tool is defined: a name, a description a model can read, zod schemas for input and output,
// and whether it changes anything (a tool that does runs only after the gate or a human approves,
// with an idempotency key). Inputs and outputs are validated on every call.
import type { z } from 'zod'
import type { Logger } from '../common/logger.ts'
import { withSpan } from '../common/tracing.ts'
import { parseInput } from '../common/validation.ts'
import type { Executor } from '../drizzle/database.ts'

export interface ToolContext {
  tenantId: string
  db: Executor
  logger?: Logger | undefined
  /** Required by tools that change the world, so a retried call does the change once. */
  idempotencyKey?: string | undefined
  /** The ticket the call is made for (world-changing tools act on it). */
  ticket?: { id: string; conversationId: string; contactId: string } | undefined
}

export interface Tool<I extends z.ZodType, O extends z.ZodType> {
  readonly name: string
  readonly description: string
  readonly input: I
  readonly output: O
  readonly changesWorld: boolean
  call(context: ToolContext, input: z.input<I>): Promise<z.output<O>>
}

export type AnyTool = Tool<z.ZodType, z.ZodType>

export interface ToolDefinition<I extends z.ZodType, O extends z.ZodType> {
  name: string
  description: string
  input: I
  output: O
  changesWorld?: boolean
  run(context: ToolContext, input: z.output<I>): Promise<z.input<O>>
}

export function defineTool<I extends z.ZodType, O extends z.ZodType>(
  definition: ToolDefinition<I, O>,
): Tool<I, O> {
  const changesWorld = definition.changesWorld ?? false
  return {
    name: definition.name,
    description: definition.description,
    input: definition.input,
    output: definition.output,
    changesWorld,
    call(context, rawInput) {
      // One span per call (GenAI execute_tool); the input is the customer's words, so not recorded.
      return withSpan(
        `execute_tool ${definition.name}`,
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': definition.name,
          'gen_ai.tool.type': 'function',
          'atlas.tool.changes_world': changesWorld,
        },
        async () => {
          if (changesWorld && !context.idempotencyKey) {
            throw new Error(`Tool ${definition.name} changes the world and needs an idempotency key`)
          }
          const input = parseInput(
            definition.input,
            rawInput,
            `input to tool ${definition.name}`,
            'bad_request',
          )
          const output = await definition.run(context, input)
          return parseInput(definition.output, output, `output of tool ${definition.name}`, 'internal')
        },
      )
    },
  }
}
