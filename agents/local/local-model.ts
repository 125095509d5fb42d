// The `local` model provider: offline, no key. Triage by the trained classifiers, replies composed
// extractively from the Library passages.
import type { AgentModel, ComposedReply, ComposeInput, Triage } from '../model.ts'
import { composeFromPassages } from './compose.ts'
import { shippedExamples, TriageModel } from './triage-model.ts'

export class LocalModel implements AgentModel {
  readonly name = 'local'
  readonly #triage: TriageModel

  constructor(triage: TriageModel) {
    this.#triage = triage
  }

  /** Trains on the shipped examples plus any tenant examples; takes well under a second. */
  static train(extra: Parameters<typeof TriageModel.train>[0] = []): LocalModel {
    return new LocalModel(TriageModel.train([...shippedExamples(), ...extra]))
  }

  async triage(message: string): Promise<Triage> {
    return this.#triage.predict(message)
  }

  async compose(input: ComposeInput): Promise<ComposedReply | null> {
    return composeFromPassages(input)
  }
}
