// The semantic half of Library retrieval for the `local` model: a classifier whose labels are the
// tenant's passages, trained on what each passage says (its heading, its title and heading, each of
// its sentences). It recognises a paraphrase — "dropped my phone in the lake, can't get the code" —
// that shares few words with the passage that answers it, which full-text search alone misses.
import type { Passage } from '../../tools/library-search.ts'
import {
  loadClassifier,
  type SerializedClassifier,
  type TextClassifier,
  trainClassifier,
} from './nlu/index.ts'

/** A passage with the fields a citation needs (as stored in the Library), and its place in its document. */
export type LibraryPassage = Pick<
  Passage,
  'passageId' | 'documentId' | 'slug' | 'title' | 'heading' | 'url' | 'body'
> & {
  ordinal: number
}

/** Labels name a passage by its document and position, so a trained matcher outlives database ids. */
const labelOf = (p: LibraryPassage) => `${p.slug}#${p.ordinal}`

export interface PassageMatch {
  passage: LibraryPassage
  probability: number
}

export interface SerializedPassageMatcher {
  classifier: SerializedClassifier
}

/** The texts a passage is learned from. Sentences shorter than four words say too little. */
export function passageExamples(passage: LibraryPassage): string[] {
  const texts = passage.heading ? [passage.heading, `${passage.title}: ${passage.heading}`] : [passage.title]
  const sentences = passage.body
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/^\s*(\d+\.|[-*])\s*/, '').trim())
    .filter((s) => s.split(/\s+/).length >= 4)
  return [...texts, ...sentences]
}

export class PassageMatcher {
  readonly #classifier: TextClassifier
  readonly #passages: Map<string, LibraryPassage>

  private constructor(classifier: TextClassifier, passages: readonly LibraryPassage[]) {
    this.#classifier = classifier
    this.#passages = new Map(passages.map((p) => [labelOf(p), p]))
  }

  /** Null when there is nothing to tell apart (fewer than two passages). */
  static train(passages: readonly LibraryPassage[]): PassageMatcher | null {
    if (passages.length < 2) return null
    const examples = passages.flatMap((p) => passageExamples(p).map((text) => ({ text, label: labelOf(p) })))
    // One probe round: a Library has ~5 examples per passage, and training runs at request time.
    return new PassageMatcher(trainClassifier(examples, { probeRounds: 1 }), passages)
  }

  static load(json: SerializedPassageMatcher, passages: readonly LibraryPassage[]): PassageMatcher {
    return new PassageMatcher(loadClassifier(json.classifier), passages)
  }

  /** The passages most likely to answer `text`, best first, with calibrated probabilities. */
  match(text: string): { matches: PassageMatch[]; oosScore: number } {
    const prediction = this.#classifier.predict(text)
    const matches = prediction.ranking.flatMap(({ label, probability }) => {
      const passage = this.#passages.get(label)
      return passage ? [{ passage, probability }] : []
    })
    return { matches, oosScore: prediction.oosScore }
  }

  toJSON(): SerializedPassageMatcher {
    return { classifier: this.#classifier.toJSON() }
  }
}
