// Structured output by function calling: our schemas are offered as strict OpenAI function tools
// and the model answers by calling one; the arguments are validated with zod before anything uses them.
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import type { ModelUsage } from '../model.ts'

/** One answer the model must give by calling `tool`, validated with `schema`. */
export interface StructuredRequest<S extends z.ZodType> {
  system: string
  user: string
  tool: OpenAIFunctionTool
  schema: S
  /** What the answer is, for error messages ("summary from the model"). */
  what: string
}

export interface StructuredAnswer<T> {
  output: T
  /** Tokens this call used (every attempt that got an answer). */
  usage: ModelUsage
}

/** A function tool in the chat-completions wire format. */
export interface OpenAIFunctionTool {
  type: 'function'
  function: {
    name: string
    description: string
    parameters: Record<string, unknown>
    strict?: boolean
  }
}

/**
 * A strict function tool whose parameters are the zod schema's JSON schema (all properties
 * required, no extra ones: what strict mode demands, and what `z.toJSONSchema` emits for output).
 */
export function structuredTool(name: string, description: string, schema: z.ZodType): OpenAIFunctionTool {
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(schema) as Record<string, unknown>
  return { type: 'function', function: { name, description, parameters, strict: true } }
}

/** The error for output we refuse to act on; never retried (the same prompt may well fail again). */
export function malformed(message: string, details: Record<string, unknown> = {}): AtlasError {
  return new AtlasError('model_malformed_output', message, { details })
}

/** Validates a structured answer; a mismatch is malformed output with every issue listed. */
export function parseStructured<S extends z.ZodType>(schema: S, args: unknown, what: string): z.output<S> {
  return parseInput(schema, args, what, 'model_malformed_output')
}
