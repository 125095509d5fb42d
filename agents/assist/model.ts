// What assist needs from an LLM: one structured answer per call. The agents' OpenAIModel provides
// it (agents/openai/openai-model.ts), so assist and the agents share one client per process.
import type { z } from 'zod'
import type { StructuredAnswer, StructuredRequest } from '../openai/structured.ts'

export type { StructuredAnswer, StructuredRequest }

export interface AssistModel {
  /** `openai:<model>`, recorded with what it wrote. */
  readonly name: string
  structured<S extends z.ZodType>(request: StructuredRequest<S>): Promise<StructuredAnswer<z.output<S>>>
}
