// Fits the answer-confidence model — the probability that the best retrieved passage answers the
// message — on the dev half of the demo retrieval cases, and measures it on the test half.
//   npm run calibrate:retrieval            # fit on dev, report on test
//   npm run calibrate:retrieval -- --write # also write agents/answer-confidence.json
// Runs the same retrieval the agent runs (full-text search + the tenant's passage matcher) on an
// in-memory PGlite seeded with the demo Library.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  ANSWER_FEATURES,
  type AnswerConfidenceModel,
  answerConfidence,
  answerFeatures,
} from '../agents/answer-confidence.ts'
import { DEFAULT_GATE, decide } from '../agents/gate.ts'
import { answerPassages } from '../agents/local/compose.ts'
import { LibraryMatchers } from '../agents/local/library-matchers.ts'
import { LocalModel } from '../agents/local/local-model.ts'
import type { Triage } from '../agents/model.ts'
import { retrieve } from '../agents/retrieval.ts'
import { tenants } from '../drizzle/schema/tenants.ts'
import { parseArticle } from '../server/library/article.ts'
import { upsertArticle } from '../server/library/store.ts'
import { createTestDatabase } from '../testing/database.ts'

interface Case {
  text: string
  article: string | null
  section: string | null
}

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url))
const CASES = root('evals/datasets/demo-library-questions.jsonl')
const OUT = root('agents/answer-confidence.json')

/** A fixed split by content: half the cases fit the model, the other half measure it. */
export function splitOf(text: string): 'dev' | 'test' {
  return createHash('sha256').update(text).digest()[0]! % 2 === 0 ? 'dev' : 'test'
}

async function main() {
  const cases = readFileSync(CASES, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Case)
  const testDb = await createTestDatabase()
  const db = testDb.database.db
  const [tenant] = await db.insert(tenants).values({ slug: 'calibration', name: 'Calibration' }).returning()
  for (const file of readdirSync(root('server/demo/library')).sort()) {
    await upsertArticle(
      db,
      tenant!.id,
      parseArticle(readFileSync(root(`server/demo/library/${file}`), 'utf8')),
    )
  }
  const matchers = new LibraryMatchers({ cacheDir: root('.tmp/model-cache') })
  const model = LocalModel.loadOrTrain(root('.tmp/model-cache'))
  const rows: Row[] = []
  for (const c of cases) {
    const r = await retrieve({ db, matcher: (id) => matchers.forTenant(db, id) }, tenant!.id, c.text)
    // Correct when the reply quotes the labelled section (the composer may quote a sibling too).
    const correct = answerPassages(r.passages).some((p) => p.slug === c.article && p.heading === c.section)
    rows.push({
      split: splitOf(c.text),
      answerable: c.article !== null,
      correct,
      x: answerFeatures(r),
      triage: await model.triage(c.text),
      retrieval: r,
    })
  }
  await testDb.drop()

  const dev = rows.filter((r) => r.split === 'dev')
  const test = rows.filter((r) => r.split === 'test')
  const fitted = fitLogistic(
    dev.map((r) => r.x),
    dev.map((r) => (r.correct ? 1 : 0)),
  )
  const report = (name: string, set: typeof rows) => {
    const answerable = set.filter((r) => r.answerable)
    const top1 = answerable.filter((r) => r.correct).length / answerable.length
    const scored = set.map((r) => ({ ...r, p: answerConfidence(r.x, fitted) }))
    const lines = [
      `${name}: ${set.length} cases (${answerable.length} answerable), reply quotes the right section ${pct(top1)}`,
    ]
    for (const threshold of [0.45, 0.6, 0.75, 0.85, 0.9]) {
      const taken = scored.filter((r) => r.p >= threshold)
      const wrong = taken.filter((r) => !r.correct)
      lines.push(
        `  confidence >= ${threshold.toFixed(2)}: coverage ${pct(taken.length / set.length)}, risk ${pct(wrong.length / Math.max(1, taken.length))} (${wrong.length} wrong of ${taken.length}; ${taken.filter((r) => !r.answerable).length} unanswerable)`,
      )
    }
    lines.push(
      `  expected calibration error ${pct(ece(scored.map((r) => ({ p: r.p, y: r.correct ? 1 : 0 }))))}`,
    )
    return lines.join('\n')
  }
  process.stdout.write(`features: ${ANSWER_FEATURES.join(', ')}\n`)
  process.stdout.write(
    `fitted on dev: ${JSON.stringify(fitted)}\n${report('dev', dev)}\n${report('test', test)}\n`,
  )
  process.stdout.write(`${gateReport('dev', dev, fitted)}\n${gateReport('test', test, fitted)}\n`)
  if (process.argv.includes('--write')) {
    writeFileSync(
      OUT,
      `${JSON.stringify({ ...fitted, fittedOn: `demo-library-questions.jsonl dev half (${dev.length} cases)` }, null, 2)}\n`,
    )
    process.stdout.write(`wrote ${OUT}\n`)
  }
}

interface Row {
  split: string
  answerable: boolean
  correct: boolean
  x: number[]
  triage: Triage
  retrieval: Awaited<ReturnType<typeof retrieve>>
}

/**
 * What the whole gate does with these messages (triage + retrieval + thresholds), at several auto
 * thresholds: a wrong automatic answer is one whose passage is not the labelled one (or any Library
 * answer to a message the Library does not answer). The scope reply to chit-chat states no facts.
 */
function gateReport(name: string, set: Row[], model: AnswerConfidenceModel): string {
  const lines = [`gate on ${name} (review at ${DEFAULT_GATE.review}):`]
  for (const auto of [0.75, 0.8, 0.85, 0.9]) {
    let answered = 0
    let wrong = 0
    let review = 0
    let escalated = 0
    let scope = 0
    for (const r of set) {
      const offTopic = r.triage.action.label === 'off_topic' && r.triage.action.confidence >= auto
      if (offTopic) {
        scope++
        continue
      }
      const d = decide(
        { ...DEFAULT_GATE, auto },
        {
          triage: r.triage,
          passages: r.retrieval.passages,
          answerConfidence: answerConfidence(r.x, model),
          hasReply: r.retrieval.passages.length > 0,
        },
      )
      if (d.action === 'auto') {
        answered++
        if (!r.correct) wrong++
      } else if (d.action === 'review') review++
      else escalated++
    }
    lines.push(
      `  auto >= ${auto}: answered automatically ${pct(answered / set.length)} (risk ${pct(wrong / Math.max(1, answered))}, ${wrong} wrong), review ${pct(review / set.length)}, escalate ${pct(escalated / set.length)}, scope reply ${pct(scope / set.length)}`,
    )
  }
  return lines.join('\n')
}

/** L2-regularised logistic regression by gradient descent; features are already 0..1. */
export function fitLogistic(
  xs: number[][],
  ys: number[],
  lambda = 0.01,
  epochs = 4000,
  rate = 0.5,
): AnswerConfidenceModel {
  const d = xs[0]?.length ?? 0
  let w = new Array<number>(d).fill(0)
  let b = 0
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gw = new Array<number>(d).fill(0)
    let gb = 0
    xs.forEach((x, i) => {
      const z = b + x.reduce((s, v, j) => s + v * w[j]!, 0)
      const err = 1 / (1 + Math.exp(-z)) - ys[i]!
      for (let j = 0; j < d; j++) gw[j]! += err * x[j]!
      gb += err
    })
    w = w.map((wj, j) => wj - rate * (gw[j]! / xs.length + lambda * wj))
    b -= rate * (gb / xs.length)
  }
  return { intercept: round(b), weights: w.map(round) }
}

function ece(points: Array<{ p: number; y: number }>, bins = 10): number {
  let total = 0
  for (let k = 0; k < bins; k++) {
    const inBin = points.filter(
      (q) => q.p >= k / bins && (q.p < (k + 1) / bins || (k === bins - 1 && q.p === 1)),
    )
    if (inBin.length === 0) continue
    const meanP = inBin.reduce((s, q) => s + q.p, 0) / inBin.length
    const meanY = inBin.reduce((s, q) => s + q.y, 0) / inBin.length
    total += (inBin.length / points.length) * Math.abs(meanP - meanY)
  }
  return total
}

const round = (x: number) => Math.round(x * 10_000) / 10_000
const pct = (x: number) => `${(x * 100).toFixed(1)}%`

if (import.meta.url === `file://${process.argv[1]}`) await main()
