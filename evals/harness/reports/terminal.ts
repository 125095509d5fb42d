// The terminal summary: the figures, the failed cases with their first failed check, and the
// comparison with the baseline (flipped cases and regressed metrics named).
import type { Comparison } from '../baseline.ts'
import type { AgentCalibration } from '../calibrate.ts'
import { HEADS } from '../metrics.ts'
import type { EvalRun } from '../run.ts'

export interface Pricing {
  /** US dollars per million prompt / completion tokens. */
  inputPerMillion: number
  outputPerMillion: number
}

export function terminalReport(
  run: EvalRun,
  options: {
    comparison?: Comparison | null
    calibration?: AgentCalibration[]
    pricing?: Pricing
    maxFailures?: number
  } = {},
): string {
  const m = run.metrics
  const turns = run.cases.reduce((n, c) => n + c.runs[0]!.turns.length, 0)
  const lines: string[] = []
  lines.push(
    `eval ${run.datasets.join(', ')} · model ${run.model} · ${m.cases} cases, ${turns} turns × ${run.repeat} run(s) · ${(run.durationMs / 1000).toFixed(1)} s`,
  )
  lines.push('')
  lines.push(
    table(
      ['head', 'n', 'accuracy', 'macro-F1'],
      HEADS.map((h) => [h, String(m.heads[h].n), pct(m.heads[h].accuracy), pct(m.heads[h].macroF1)]),
    ),
  )
  lines.push('')
  const tokens = m.tokens.promptTokens + m.tokens.completionTokens
  const cost =
    options.pricing && tokens > 0
      ? ` ($${((m.tokens.promptTokens * options.pricing.inputPerMillion + m.tokens.completionTokens * options.pricing.outputPerMillion) / 1e6).toFixed(4)})`
      : ''
  lines.push(
    table(
      ['metric', 'value'],
      [
        [
          'cases passed',
          `${pct(m.passRate)} (${run.cases.filter((c) => c.passRate === 1).length}/${m.cases}${m.flaky ? `, ${m.flaky} flaky` : ''})`,
        ],
        [
          'escalation precision / recall',
          `${pct(m.escalation.precision)} / ${pct(m.escalation.recall)} (n ${m.escalation.n})`,
        ],
        ['citations grounded', `${pct(m.grounding.rate)} of ${m.grounding.citedTurns} cited replies`],
        ['answered automatically', `${pct(m.automatic.coverage)} of turns (${m.automatic.count})`],
        ['risk among automatic answers', `${pct(m.automatic.risk)} (${m.automatic.wrong} wrong)`],
        ['expected calibration error', `${pct(m.calibration.ece)} over ${m.calibration.n} Library answers`],
        [
          'latency per turn p50 / p95 / max',
          `${m.latency.p50Ms} / ${m.latency.p95Ms} / ${m.latency.maxMs} ms`,
        ],
        ['tokens (prompt + completion)', `${m.tokens.promptTokens} + ${m.tokens.completionTokens}${cost}`],
      ],
    ),
  )
  if (m.security) {
    const s = m.security
    lines.push('')
    lines.push(
      table(
        [`security (${s.cases} cases, ${s.turns} turns)`, 'count'],
        [
          ['privileged actions without approval', String(s.privilegedActions)],
          ['cross-customer leaks', String(s.crossCustomerLeaks)],
          ['prompt reveals', String(s.promptReveals)],
        ],
      ),
    )
    for (const f of s.findings.slice(0, options.maxFailures ?? 25))
      lines.push(`  ${f.caseId} t${f.turn} ${f.check}: ${f.actual}`)
  }
  const curve = m.coverageRisk
  if (curve.length > 1) {
    lines.push('')
    lines.push('coverage-risk (auto threshold → coverage, risk):')
    const step = Math.max(1, Math.floor(curve.length / 8))
    const shown = curve.filter((_, i) => i % step === 0 || i === curve.length - 1)
    lines.push(
      `  ${shown.map((p) => `${p.threshold.toFixed(3)} → ${pct(p.coverage)}, ${pct(p.risk)}`).join(' · ')}`,
    )
  }
  if (options.calibration) {
    lines.push('')
    lines.push(
      table(
        ['agent', 'auto', 'review', 'candidates', 'coverage', 'risk', 'risk ≤ (95%)'],
        options.calibration.map((c) => [
          c.agent,
          c.auto.toFixed(4),
          c.review.toFixed(4),
          String(c.candidates),
          pct(c.coverage),
          `${pct(c.risk)} (${c.wrong}/${c.sent})`,
          pct(c.riskUpper95),
        ]),
      ),
    )
  }
  const failed = run.cases.filter((c) => c.passRate < 1)
  if (failed.length > 0) {
    lines.push('')
    lines.push(`failed cases (${failed.length}):`)
    for (const c of failed.slice(0, options.maxFailures ?? 25)) {
      const run0 = c.runs.find((r) => !r.pass)!
      const bad = run0.turns.flatMap((t) =>
        t.checks
          .filter((k) => !k.pass)
          .map((k) => `t${t.turn + 1} ${k.name}: want ${k.expected}, got ${k.actual}`),
      )
      lines.push(
        `  ${c.id}${c.passRate > 0 ? ` (passed ${pct(c.passRate)})` : ''} — ${bad[0]}${bad.length > 1 ? ` (+${bad.length - 1})` : ''}`,
      )
    }
    if (failed.length > (options.maxFailures ?? 25))
      lines.push(`  … and ${failed.length - (options.maxFailures ?? 25)} more (see --json or --html)`)
  }
  const cmp = options.comparison
  if (cmp) {
    lines.push('')
    if (cmp.ok) lines.push(`baseline: no regression (tolerance ${cmp.tolerance})`)
    else lines.push(`baseline: REGRESSION (tolerance ${cmp.tolerance})`)
    if (cmp.flipped.length > 0)
      lines.push(`  flipped from pass to fail (${cmp.flipped.length}): ${cmp.flipped.join(', ')}`)
    for (const r of cmp.regressions) lines.push(`  ${r.metric}: ${r.baseline} → ${r.current}`)
    if (cmp.fixed.length > 0)
      lines.push(`  fixed (${cmp.fixed.length}): ${cmp.fixed.join(', ')} — save a new baseline to keep them`)
    for (const r of cmp.improvements) lines.push(`  improved ${r.metric}: ${r.baseline} → ${r.current}`)
    if (cmp.added.length > 0) lines.push(`  new cases not in the baseline: ${cmp.added.length}`)
    if (cmp.removed.length > 0) lines.push(`  baseline cases no longer in the dataset: ${cmp.removed.length}`)
  }
  return `${lines.join('\n')}\n`
}

export function pct(x: number | null): string {
  return x === null || Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)}%`
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')
}
