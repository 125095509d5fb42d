// The offline triage model: one trained text classifier per head (category, intent, urgency,
// action), learned from labelled messages — the shipped defaults plus a tenant's own examples.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import type { HeadPrediction, Triage } from '../model.ts'
import {
  loadClassifier,
  type SerializedClassifier,
  type TextClassifier,
  trainClassifier,
} from './nlu/index.ts'

export const TRIAGE_HEADS = ['category', 'intent', 'urgency', 'action'] as const
export type TriageHead = (typeof TRIAGE_HEADS)[number]

export const LabelledMessageSchema = z.object({
  text: z.string().min(1),
  category: z.enum(['bug_report', 'feature_request', 'how_to', 'billing_inquiry', 'general_feedback']),
  intent: z.enum(['support', 'sales']),
  urgency: z.enum(['low', 'normal', 'high', 'urgent']),
  action: z.string().min(1),
})
export type LabelledMessage = z.infer<typeof LabelledMessageSchema>

/** A message labelled on some heads only: a tenant's example or an operator's correction. */
export type PartialLabelledMessage = { text: string } & Partial<Record<TriageHead, string>>

const SHIPPED = fileURLToPath(new URL('./training/support-messages.jsonl', import.meta.url))

/** The labelled messages shipped with Atlas Desk (written for the demo product, MIT). */
export function shippedExamples(path = SHIPPED): LabelledMessage[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, i) =>
      parseInput(LabelledMessageSchema, JSON.parse(line), `training example on line ${i + 1} of ${path}`),
    )
}

export interface SerializedTriageModel {
  heads: Record<TriageHead, SerializedClassifier>
}

export class TriageModel {
  readonly #heads: Record<TriageHead, TextClassifier>

  private constructor(heads: Record<TriageHead, TextClassifier>) {
    this.#heads = heads
  }

  /** Each head learns from the examples that carry its label (a correction may name one head only). */
  static train(examples: readonly PartialLabelledMessage[]): TriageModel {
    const heads = Object.fromEntries(
      TRIAGE_HEADS.map((head) => [
        head,
        trainClassifier(
          examples.flatMap((e) => {
            const label = e[head]
            return label ? [{ text: e.text, label }] : []
          }),
        ),
      ]),
    ) as Record<TriageHead, TextClassifier>
    return new TriageModel(heads)
  }

  static load(serialized: SerializedTriageModel): TriageModel {
    const heads = Object.fromEntries(
      TRIAGE_HEADS.map((head) => [head, loadClassifier(serialized.heads[head])]),
    ) as Record<TriageHead, TextClassifier>
    return new TriageModel(heads)
  }

  predict(text: string): Triage {
    const predict = (head: TriageHead): HeadPrediction => {
      const p = this.#heads[head].predict(text)
      return {
        label: p.label,
        confidence: p.confidence,
        margin: p.margin,
        outOfScope: p.outOfScope,
        ranking: p.ranking,
      }
    }
    return {
      category: predict('category'),
      intent: predict('intent'),
      urgency: predict('urgency'),
      action: predict('action'),
    }
  }

  toJSON(): SerializedTriageModel {
    return {
      heads: Object.fromEntries(TRIAGE_HEADS.map((head) => [head, this.#heads[head].toJSON()])) as Record<
        TriageHead,
        SerializedClassifier
      >,
    }
  }
}
