// The `local` model provider: offline, no key. Triage by the trained classifiers, replies composed
// extractively from the Library passages.

import type { Logger } from '../../common/logger.ts'
import type { AgentModel, ComposedReply, ComposeInput, Triage } from '../model.ts'
import { withModelSpan, wordCount } from '../model-telemetry.ts'
import { composeFromPassages } from './compose.ts'
import { loadOrTrainTriage } from './model-cache.ts'
import { shippedExamples, TriageModel } from './triage-model.ts'

export class LocalModel implements AgentModel {
  readonly name = 'local'
  readonly #triage: TriageModel

  constructor(triage: TriageModel) {
    this.#triage = triage
  }

  /** Trains on the shipped examples plus any tenant examples. */
  static train(extra: Parameters<typeof TriageModel.train>[0] = []): LocalModel {
    return new LocalModel(TriageModel.train([...shippedExamples(), ...extra]))
  }

  /** Loads the trained model from `cacheDir` when it is current, else trains and caches it. */
  static loadOrTrain(cacheDir: string | undefined, logger?: Logger): LocalModel {
    return new LocalModel(loadOrTrainTriage(cacheDir, [], logger))
  }

  async triage(message: string): Promise<Triage> {
    return withModelSpan(
      { provider: 'local', model: this.name, operation: 'triage', input: () => message },
      async () => this.#triage.predict(message),
      (triage) => ({
        inputTokens: wordCount(message),
        outputTokens: 0,
        output: () => ({
          category: triage.category.label,
          intent: triage.intent.label,
          action: triage.action.label,
        }),
      }),
    )
  }

  async compose(input: ComposeInput): Promise<ComposedReply | null> {
    return withModelSpan(
      { provider: 'local', model: this.name, operation: 'compose', input: () => input.message },
      async () => composeFromPassages(input),
      (reply) => ({
        inputTokens: wordCount(input.message, ...input.passages.map((p) => p.body)),
        outputTokens: reply ? wordCount(reply.body) : 0,
        output: () => reply?.body ?? null,
      }),
    )
  }
}
