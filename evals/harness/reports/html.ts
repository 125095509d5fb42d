// One self-contained HTML page for a run: the header, the metrics, a heat-map confusion matrix per
// head, the gate's coverage-risk curve and the reliability plot (inline SVG), the comparison with the
// baseline, and every failed case with the transcript of its first failing run. No scripts, no
// external assets: it opens from a CI artifact as it is. Every text from a case is escaped (the
// datasets hold prompt-injection attempts written as HTML).
import { basename } from 'node:path'
import { HEADS, type Head, type HeadMetrics } from '../metrics.ts'
import type { CaseResult, EvalRun } from '../run.ts'
import { pct } from './terminal.ts'

export interface ReportComparison {
  flipped: string[]
  fixed: string[]
  regressions: Array<{ metric: string; baseline: number; current: number }>
}

export function htmlReport(run: EvalRun, comparison?: ReportComparison): string {
  const failed = run.cases.filter((c) => c.passRate < 1)
  const title = `Eval report: ${run.datasets.join(', ')}`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${header(run, failed.length)}
${comparison ? comparisonSection(comparison, new Set(failed.map((c) => c.id))) : ''}
${metricsSection(run)}
<section aria-labelledby="charts-title">
<h2 id="charts-title">Gate</h2>
<div class="charts">
<figure>
${coverageRiskChart(run)}
<figcaption>Each point is an auto threshold: the share of all turns answered without a person (coverage) and
the share of those answers that were wrong (risk). <span class="key op"></span> marks the gate as configured
(${pct(run.metrics.automatic.coverage)} coverage, ${pct(run.metrics.automatic.risk)} risk,
${run.metrics.automatic.wrong} wrong of ${run.metrics.automatic.count}).</figcaption>
</figure>
<figure>
${calibrationChart(run)}
<figcaption>Library answers the auto threshold decides on (n = ${run.metrics.calibration.n}), in ten confidence
bins: <span class="key bar"></span> the share that was right to send, <span class="key dot"></span> the mean
confidence, against the dashed diagonal of perfect calibration. ECE ${fixed(run.metrics.calibration.ece, 3)}.</figcaption>
</figure>
</div>
</section>
${confusionSection(run)}
${failedSection(run, failed)}
<footer>Generated ${esc(new Date().toISOString().slice(0, 16).replace('T', ' '))} UTC by the Atlas eval harness.</footer>
</main>
</body>
</html>
`
}

// ---------------------------------------------------------------------------------------------------
// Sections

function header(run: EvalRun, failures: number): string {
  const m = run.metrics
  const state = failures === 0 ? 'pass' : 'fail'
  return `<header class="top">
<div>
<h1>Eval report</h1>
<dl class="facts">
<div><dt>Datasets</dt><dd>${esc(run.datasets.join(', ') || '—')}</dd></div>
<div><dt>Model</dt><dd>${esc(run.model)}</dd></div>
<div><dt>Repeat</dt><dd>${run.repeat}×</dd></div>
<div><dt>Date</dt><dd>${esc(date(run.startedAt))}</dd></div>
<div><dt>Duration</dt><dd>${esc(duration(run.durationMs))}</dd></div>
<div><dt>Cases</dt><dd>${m.cases} (${m.turns} turns scored)</dd></div>
</dl>
</div>
<div class="score ${state}">
<div class="big">${pct(m.passRate)}</div>
<div>pass rate</div>
<div class="sub">${failures} failed · ${m.flaky} flaky</div>
</div>
</header>`
}

function comparisonSection(comparison: ReportComparison, failing: Set<string>): string {
  const ok = comparison.flipped.length === 0 && comparison.regressions.length === 0
  const caseList = (ids: string[], kind: 'flipped' | 'fixed') =>
    ids.length === 0
      ? '<p class="muted">None.</p>'
      : `<ul class="chips ${kind}">${ids
          .map((id) =>
            failing.has(id) ? `<li><a href="#${caseAnchor(id)}">${esc(id)}</a></li>` : `<li>${esc(id)}</li>`,
          )
          .join('')}</ul>`
  const regressions =
    comparison.regressions.length === 0
      ? '<p class="muted">No metric moved the wrong way beyond the tolerance.</p>'
      : `<table class="data"><thead><tr><th scope="col">Metric</th><th scope="col" class="num">Baseline</th><th scope="col" class="num">Now</th><th scope="col" class="num">Change</th></tr></thead><tbody>${comparison.regressions
          .map(
            (r) =>
              `<tr class="regression"><th scope="row">${esc(r.metric)}</th><td class="num">${fixed(r.baseline, 4)}</td><td class="num">${fixed(r.current, 4)}</td><td class="num bad">${signed(r.current - r.baseline)}</td></tr>`,
          )
          .join('')}</tbody></table>`
  return `<section id="comparison" aria-labelledby="comparison-title" class="${ok ? 'ok' : 'regressed'}">
<h2 id="comparison-title">Compared with the baseline</h2>
<p class="verdict ${ok ? 'good' : 'bad'}">${
    ok
      ? 'No regressions.'
      : `${comparison.flipped.length} case${comparison.flipped.length === 1 ? '' : 's'} flipped to failing, ${comparison.regressions.length} metric regression${comparison.regressions.length === 1 ? '' : 's'}.`
  }</p>
<div class="cols">
<div><h3>Flipped (passed before, fail now)</h3>${caseList(comparison.flipped, 'flipped')}</div>
<div><h3>Fixed (failed before, pass now)</h3>${caseList(comparison.fixed, 'fixed')}</div>
</div>
<h3>Metric regressions</h3>
${regressions}
</section>`
}

function metricsSection(run: EvalRun): string {
  const m = run.metrics
  const rows: Array<[string, string, string]> = [
    ['Pass rate', pct(m.passRate), `${m.cases} cases, ${m.flaky} flaky (pass in some runs only)`],
    ['Escalation precision', pct(m.escalation.precision), `${m.escalation.n} turns with a gate expectation`],
    ['Escalation recall', pct(m.escalation.recall), ''],
    ['Grounding', pct(m.grounding.rate), `${m.grounding.citedTurns} turns with citations`],
    [
      'Automatic coverage',
      pct(m.automatic.coverage),
      `${m.automatic.count} of ${m.turns} turns answered without a person`,
    ],
    [
      'Automatic risk',
      pct(m.automatic.risk),
      `${m.automatic.wrong} of ${m.automatic.count} automatic answers wrong`,
    ],
    ['Calibration ECE', fixed(m.calibration.ece, 3), `${m.calibration.n} threshold-decided answers`],
    ['Latency', `${m.latency.p50Ms} ms`, `p50; p95 ${m.latency.p95Ms} ms, max ${m.latency.maxMs} ms`],
    [
      'Tokens',
      (m.tokens.promptTokens + m.tokens.completionTokens).toLocaleString('en-US'),
      `${m.tokens.promptTokens.toLocaleString('en-US')} prompt, ${m.tokens.completionTokens.toLocaleString('en-US')} completion`,
    ],
  ]
  const heads = HEADS.map((h) => {
    const hm = m.heads[h]
    return `<tr><th scope="row"><a href="#confusion-${h}">${h}</a></th><td class="num">${hm.n}</td><td class="num">${pct(hm.accuracy)}</td><td class="num">${pct(hm.macroF1)}</td><td class="muted">${esc(hm.labels.join(', ') || '—')}</td></tr>`
  }).join('\n')
  return `<section aria-labelledby="metrics-title">
<h2 id="metrics-title">Metrics</h2>
<div class="cols">
<table class="data" id="metrics">
<thead><tr><th scope="col">Metric</th><th scope="col" class="num">Value</th><th scope="col">Over</th></tr></thead>
<tbody>
${rows.map(([name, value, note]) => `<tr><th scope="row">${name}</th><td class="num">${value}</td><td class="muted">${esc(note)}</td></tr>`).join('\n')}
</tbody>
</table>
<table class="data" id="heads">
<thead><tr><th scope="col">Head</th><th scope="col" class="num">n</th><th scope="col" class="num">Accuracy</th><th scope="col" class="num">Macro-F1</th><th scope="col">Labels</th></tr></thead>
<tbody>
${heads}
</tbody>
</table>
</div>
</section>`
}

function confusionSection(run: EvalRun): string {
  return `<section aria-labelledby="confusion-title">
<h2 id="confusion-title">Confusion matrices</h2>
<p class="muted">Rows are the gold label, columns the predicted one; a cell's shade grows with its count
(<span class="key right"></span> agreement on the diagonal, <span class="key wrong"></span> confusion off it).</p>
<div class="matrices">
${HEADS.map((h) => confusionMatrix(h, run.metrics.heads[h])).join('\n')}
</div>
</section>`
}

function confusionMatrix(head: Head, m: HeadMetrics): string {
  const caption = `<figcaption><strong>${head}</strong> <span class="muted">n = ${m.n} · accuracy ${pct(m.accuracy)} · macro-F1 ${pct(m.macroF1)}</span></figcaption>`
  if (m.labels.length === 0) {
    return `<figure class="matrix">${caption}<p id="confusion-${head}" class="empty muted">No turn expects a ${head}.</p></figure>`
  }
  const max = Math.max(1, ...m.confusion.flat())
  const labels = m.labels.map(esc)
  const rows = m.labels
    .map((gold, i) => {
      const cells = m.labels
        .map((got, j) => {
          const count = m.confusion[i]?.[j] ?? 0
          const share = count / max
          const hue = i === j ? '26, 127, 55' : '207, 34, 46'
          const style =
            count === 0
              ? ''
              : ` style="background: rgba(${hue}, ${(0.12 + 0.78 * share).toFixed(3)});${share > 0.55 ? ' color: #fff;' : ''}"`
          const cls = count === 0 ? 'zero' : i === j ? 'hit' : 'miss'
          return `<td class="${cls}"${style} title="gold ${esc(gold)}, predicted ${esc(got)}: ${count}">${count}</td>`
        })
        .join('')
      const axis =
        i === 0
          ? `<th scope="rowgroup" rowspan="${m.labels.length}" class="axis gold"><span>gold</span></th>`
          : ''
      return `<tr>${axis}<th scope="row">${labels[i]}</th>${cells}</tr>`
    })
    .join('\n')
  return `<figure class="matrix">${caption}
<table class="confusion" id="confusion-${head}" aria-label="${head} confusion matrix: gold rows, predicted columns">
<thead>
<tr><td class="corner" colspan="2" rowspan="2"></td><th scope="colgroup" colspan="${m.labels.length}" class="axis">predicted</th></tr>
<tr>${labels.map((l) => `<th scope="col">${l}</th>`).join('')}</tr>
</thead>
<tbody>
${rows}
</tbody>
</table>
</figure>`
}

function failedSection(run: EvalRun, failed: CaseResult[]): string {
  const body =
    failed.length === 0
      ? '<p class="verdict good">Every case passed in every run.</p>'
      : `<nav class="toc"><ul class="chips flipped">${failed
          .map((c) => `<li><a href="#${caseAnchor(c.id)}">${esc(c.id)}</a></li>`)
          .join('')}</ul></nav>\n${failed.map(failedCase).join('\n')}`
  return `<section aria-labelledby="failed-title">
<h2 id="failed-title">Failed cases (${failed.length} of ${run.cases.length})</h2>
${body}
</section>`
}

function failedCase(c: CaseResult): string {
  const index = Math.max(
    0,
    c.runs.findIndex((r) => !r.pass),
  )
  const run = c.runs[index]
  const failedRuns = c.runs.filter((r) => !r.pass).length
  const meta = [basename(c.file), c.channel, ...c.tags.map((t) => `#${t}`)].map(esc).join(' · ')
  const turns = (run?.turns ?? []).map((t) => {
    const r = t.result
    const d = r.decision
    const failedChecks = t.checks.filter((k) => !k.pass)
    const reply = d?.reply
      ? `<div class="msg bot"><div class="who">${esc(d.agent)} · ${replyLabel(d.action)}</div><div class="text">${esc(d.reply.body)}</div></div>`
      : '<div class="msg none"><div class="text">(no reply: with a person)</div></div>'
    const citations = d?.reply?.citations.length
      ? `<ul class="plain">${d.reply.citations.map((k) => `<li><code>${esc(k.slug)}</code>${k.heading ? ` › ${esc(k.heading)}` : ''}</li>`).join('')}</ul>`
      : '—'
    const facts: Array<[string, string]> = [
      ['Agent', d ? esc(d.agent) : '—'],
      ['Gate action', d ? `<span class="tag ${esc(d.action)}">${esc(d.action)}</span>` : '—'],
      ['Confidence', d ? d.confidence.toFixed(2) : '—'],
      ['Reason', d ? `<code>${esc(d.reason)}</code>` : '—'],
      ['Route', esc(r.route)],
      ['State', `<code>${esc(r.state)}</code>`],
      ['Citations', citations],
      ['Tools', r.tools.length ? r.tools.map((x) => `<code>${esc(x)}</code>`).join(' ') : '—'],
    ]
    if (r.error) facts.push(['Error', `<span class="bad">${esc(r.error)}</span>`])
    const checks =
      failedChecks.length === 0
        ? `<p class="checks-ok">${t.checks.length === 0 ? 'No checks on this turn.' : `All ${t.checks.length} checks passed.`}</p>`
        : `<table class="data checks"><thead><tr><th scope="col">Failed check</th><th scope="col">Expected</th><th scope="col">Actual</th></tr></thead><tbody>${failedChecks
            .map(
              (k) =>
                `<tr><th scope="row"><code>${esc(k.name)}</code></th><td>${esc(k.expected)}</td><td class="bad">${esc(k.actual)}</td></tr>`,
            )
            .join('')}</tbody></table>`
    return `<li class="turn${failedChecks.length ? ' failed' : ''}">
<div class="turn-no">Turn ${t.turn + 1}${failedChecks.length ? ` · <span class="bad">${failedChecks.length} failed</span>` : ''}</div>
<div class="msg customer"><div class="who">Customer</div><div class="text">${esc(r.customer)}</div></div>
${reply}
<dl class="decision">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>
${checks}
</li>`
  })
  return `<article class="case" id="${caseAnchor(c.id)}">
<header><h3>${esc(c.id)}</h3><span class="badge">failed ${failedRuns} of ${c.runs.length} run${c.runs.length === 1 ? '' : 's'} · pass rate ${pct(c.passRate)}</span></header>
<p class="muted">${meta}${c.runs.length > 1 ? ` — transcript of run ${index + 1}, the first that failed` : ''}</p>
<ol class="turns">
${turns.join('\n')}
</ol>
</article>`
}

function replyLabel(action: string): string {
  if (action === 'auto') return 'sent'
  if (action === 'review') return 'draft, awaiting approval'
  return 'not sent, handed to a person'
}

// ---------------------------------------------------------------------------------------------------
// Charts (inline SVG)

const W = 560
const H = 340
const PAD = { left: 64, right: 24, top: 28, bottom: 56 }
const PW = W - PAD.left - PAD.right
const PH = H - PAD.top - PAD.bottom

interface Scale {
  top: number
  ticks: number[]
}

function coverageRiskChart(run: EvalRun): string {
  const points = [...run.metrics.coverageRisk].sort((a, b) => a.coverage - b.coverage || a.risk - b.risk)
  const op = { coverage: run.metrics.automatic.coverage, risk: run.metrics.automatic.risk ?? 0 }
  const y = niceScale(Math.max(op.risk, ...points.map((p) => p.risk)) * 1.05)
  const sx = (v: number) => PAD.left + clamp01(v) * PW
  const sy = (v: number) => PAD.top + PH - (Math.min(v, y.top) / y.top) * PH
  const line =
    points.length > 0
      ? `<path class="curve" d="${points.map((p, i) => `${i ? 'L' : 'M'}${n(sx(p.coverage))},${n(sy(p.risk))}`).join(' ')}"/>`
      : ''
  const dots = points
    .map(
      (p) =>
        `<circle class="point" cx="${n(sx(p.coverage))}" cy="${n(sy(p.risk))}" r="3.5"><title>auto ≥ ${p.threshold > 1 ? '1 (nothing threshold-decided)' : p.threshold.toFixed(3)}: coverage ${pct(p.coverage)}, risk ${pct(p.risk)}</title></circle>`,
    )
    .join('')
  const ox = sx(op.coverage)
  const oy = sy(op.risk)
  const label = `gate now: ${pct(op.coverage)} coverage, ${pct(run.metrics.automatic.risk)} risk`
  const anchor = ox > PAD.left + PW * 0.6 ? 'end' : 'start'
  const lx = anchor === 'end' ? ox - 10 : ox + 10
  const ly = oy < PAD.top + 16 ? oy + 18 : oy - 10
  const empty = points.length === 0 ? emptyNote('no turns') : ''
  return `<svg id="chart-coverage-risk" class="chart" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" aria-labelledby="chart-coverage-risk-title chart-coverage-risk-desc">
<title id="chart-coverage-risk-title">Coverage-risk curve of the auto threshold</title>
<desc id="chart-coverage-risk-desc">${points.length} thresholds; the gate as configured answers ${pct(op.coverage)} of turns automatically with ${pct(run.metrics.automatic.risk)} of them wrong.</desc>
${axes(UNIT, y, 'coverage (share of turns answered without a person)', 'risk (share of those answers wrong)')}
${line}${dots}
<g class="operating"><circle cx="${n(ox)}" cy="${n(oy)}" r="7"><title>${esc(label)}</title></circle><text x="${n(lx)}" y="${n(ly)}" text-anchor="${anchor}">${esc(label)}</text></g>
${empty}
</svg>`
}

function calibrationChart(run: EvalRun): string {
  const { bins, ece, n: count } = run.metrics.calibration
  const sx = (v: number) => PAD.left + clamp01(v) * PW
  const sy = (v: number) => PAD.top + PH - clamp01(v) * PH
  const bars = bins
    .map((b) => {
      const x0 = sx(b.from) + 2
      const x1 = sx(b.to) - 2
      const top = sy(b.accuracy)
      const tip = `confidence ${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${b.count} answers, mean confidence ${b.confidence.toFixed(2)}, right ${pct(b.accuracy)}`
      return `<g class="bin"><rect class="bar" x="${n(x0)}" y="${n(Math.min(top, sy(0) - 1))}" width="${n(x1 - x0)}" height="${n(Math.max(1, sy(0) - top))}"><title>${esc(tip)}</title></rect><circle class="mean" cx="${n(sx(b.confidence))}" cy="${n(sy(b.accuracy))}" r="4"><title>${esc(tip)}</title></circle><text class="count" x="${n((x0 + x1) / 2)}" y="${n(top - 6)}" text-anchor="middle">n=${b.count}</text></g>`
    })
    .join('')
  const empty = bins.length === 0 ? emptyNote('no threshold-decided answers') : ''
  return `<svg id="chart-calibration" class="chart" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" aria-labelledby="chart-calibration-title chart-calibration-desc">
<title id="chart-calibration-title">Reliability plot: accuracy per confidence bin</title>
<desc id="chart-calibration-desc">${count} answers in ${bins.length} bins; expected calibration error ${fixed(ece, 3)}.</desc>
${axes(UNIT, UNIT, 'confidence', 'share right to send')}
<path class="diagonal" d="M${n(sx(0))},${n(sy(0))} L${n(sx(1))},${n(sy(1))}"/>
${bars}
${empty}
</svg>`
}

const UNIT: Scale = { top: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] }

/** Grid, axes, ticks and axis labels for a chart whose x runs 0..x.top and y 0..y.top. */
function axes(x: Scale, y: Scale, xLabel: string, yLabel: string): string {
  const sx = (v: number) => PAD.left + (v / x.top) * PW
  const sy = (v: number) => PAD.top + PH - (v / y.top) * PH
  const bottom = PAD.top + PH
  const grid = [
    ...x.ticks.map(
      (t) => `<line class="grid" x1="${n(sx(t))}" y1="${PAD.top}" x2="${n(sx(t))}" y2="${bottom}"/>`,
    ),
    ...y.ticks.map(
      (t) => `<line class="grid" x1="${PAD.left}" y1="${n(sy(t))}" x2="${PAD.left + PW}" y2="${n(sy(t))}"/>`,
    ),
  ].join('')
  const ticks = [
    ...x.ticks.map(
      (t) =>
        `<line class="tick" x1="${n(sx(t))}" y1="${bottom}" x2="${n(sx(t))}" y2="${bottom + 5}"/><text class="tick-label" x="${n(sx(t))}" y="${bottom + 18}" text-anchor="middle">${tickPct(t)}</text>`,
    ),
    ...y.ticks.map(
      (t) =>
        `<line class="tick" x1="${PAD.left - 5}" y1="${n(sy(t))}" x2="${PAD.left}" y2="${n(sy(t))}"/><text class="tick-label" x="${PAD.left - 8}" y="${n(sy(t) + 4)}" text-anchor="end">${tickPct(t)}</text>`,
    ),
  ].join('')
  return `<g class="axes">${grid}<path class="axis" d="M${PAD.left},${PAD.top} V${bottom} H${PAD.left + PW}"/>${ticks}
<text class="axis-label" x="${PAD.left + PW / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>
<text class="axis-label" transform="translate(16 ${PAD.top + PH / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text></g>`
}

function emptyNote(text: string): string {
  return `<text class="empty-note" x="${PAD.left + PW / 2}" y="${PAD.top + PH / 2}" text-anchor="middle">${esc(text)}</text>`
}

/** A round upper bound for an axis from 0 to `max`, with about five ticks. */
function niceScale(max: number): Scale {
  const target = max > 0 ? Math.min(1, max) : 0.1
  const raw = target / 5
  const pow = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw - 1e-12) ?? 10 * pow
  const top = Math.ceil(target / step - 1e-9) * step
  const ticks: number[] = []
  for (let i = 0; i * step <= top + 1e-9; i++) ticks.push(Math.round(i * step * 1e6) / 1e6)
  return { top, ticks }
}

// ---------------------------------------------------------------------------------------------------
// Formatting and escaping

/** HTML-escapes text; C0 control characters (other than tab and newlines) become a visible \uXXXX. */
export function esc(s: string): string {
  let out = ''
  for (const ch of s) {
    const code = ch.codePointAt(0)!
    const control = (code < 0x20 && code !== 0x9 && code !== 0xa && code !== 0xd) || code === 0x7f
    out += control ? `\\u${code.toString(16).padStart(4, '0')}` : (ESCAPES[ch] ?? ch)
  }
  return out
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** A case's fragment id: only characters that need no escaping anywhere. */
function caseAnchor(id: string): string {
  return `case-${id.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0)!.toString(16)}`)}`
}

function tickPct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`
}

function fixed(x: number | null, digits: number): string {
  return x === null ? '—' : x.toFixed(digits)
}

function signed(x: number): string {
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(4)}`
}

function n(x: number): string {
  return String(Math.round(x * 10) / 10)
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x))
}

function date(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)} s`
  const m = Math.floor(s / 60)
  return `${m} min ${Math.round(s - m * 60)} s`
}

const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
  --red: #cf222e; --green: #1a7f37; --blue: #0969da; --orange: #bc4c00; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--soft); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 16px 0 8px; }
a { color: var(--blue); }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft);
  padding: 1px 4px; border-radius: 4px; }
section, header.top { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px; margin: 0 0 18px; }
header.top { display: flex; justify-content: space-between; gap: 24px; align-items: flex-start; }
.facts { display: grid; grid-template-columns: repeat(3, minmax(150px, auto)); gap: 8px 28px; margin: 0; }
.facts dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.score { text-align: center; min-width: 150px; padding: 12px 18px; border-radius: 10px; }
.score.pass { background: #dafbe1; color: var(--green); }
.score.fail { background: #ffebe9; color: var(--red); }
.score .big { font-size: 34px; font-weight: 700; line-height: 1.1; }
.score .sub { font-size: 12px; color: var(--muted); margin-top: 4px; }
.muted { color: var(--muted); }
.bad { color: var(--red); }
.good { color: var(--green); }
.verdict { font-weight: 600; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 18px; align-items: start; }
table.data { border-collapse: collapse; width: 100%; }
table.data th, table.data td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.data thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom-width: 2px; }
table.data tbody th { font-weight: 600; }
.num { text-align: right !important; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.regression th, tr.regression td { background: #fff5f5; }
section.regressed { border-color: #ffcecb; }
.chips { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.chips li { padding: 2px 10px; border-radius: 999px; font-size: 13px; }
.chips.flipped li { background: #ffebe9; color: var(--red); }
.chips.flipped a { color: var(--red); }
.chips.fixed li { background: #dafbe1; color: var(--green); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
svg.chart { width: 100%; max-width: ${W}px; height: auto; display: block; font-family: inherit; }
svg .grid { stroke: #eaeef2; }
svg .axis, svg .tick { stroke: #8c959f; fill: none; }
svg .tick-label { font-size: 11px; fill: var(--muted); }
svg .axis-label { font-size: 12px; fill: var(--fg); }
svg .curve { fill: none; stroke: var(--blue); stroke-width: 2; }
svg .point { fill: #fff; stroke: var(--blue); stroke-width: 1.5; }
svg .operating circle { fill: var(--orange); stroke: #fff; stroke-width: 2; }
svg .operating text { font-size: 12px; font-weight: 600; fill: var(--orange); paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .diagonal { stroke: #8c959f; stroke-dasharray: 5 4; fill: none; }
svg .bar { fill: rgba(9, 105, 218, .28); stroke: var(--blue); }
svg .mean { fill: var(--blue); }
svg .count { font-size: 11px; fill: var(--fg); }
svg .empty-note { font-size: 13px; fill: var(--muted); }
.key { display: inline-block; width: 12px; height: 12px; vertical-align: -1px; border-radius: 2px; }
.key.op { background: var(--orange); border-radius: 50%; }
.key.bar { background: rgba(9, 105, 218, .28); border: 1px solid var(--blue); }
.key.dot { background: var(--blue); border-radius: 50%; width: 8px; height: 8px; }
.key.right { background: rgba(26, 127, 55, .6); }
.key.wrong { background: rgba(207, 34, 46, .6); }
.matrices { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 22px; }
.matrix { overflow-x: auto; }
.matrix figcaption { margin: 0 0 6px; color: var(--fg); font-size: 14px; }
table.confusion { border-collapse: separate; border-spacing: 2px; font-size: 12.5px; }
table.confusion th { font-weight: 500; color: var(--muted); padding: 2px 6px; white-space: nowrap; }
table.confusion tbody th[scope=row] { text-align: right; }
table.confusion thead th[scope=col] { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; vertical-align: bottom; padding: 6px 2px; }
table.confusion th.axis { color: var(--fg); font-weight: 600; text-transform: uppercase; font-size: 11px; letter-spacing: .06em; }
table.confusion th.axis.gold span { writing-mode: vertical-rl; transform: rotate(180deg); display: inline-block; }
table.confusion td { min-width: 38px; height: 34px; text-align: center; border-radius: 4px; font-variant-numeric: tabular-nums; }
table.confusion td.zero { color: #afb8c1; background: #f6f8fa; }
table.confusion td.hit, table.confusion td.miss { font-weight: 600; }
.empty { padding: 12px 0; }
.toc { margin-bottom: 8px; }
article.case { border-top: 1px solid var(--line); padding-top: 14px; margin-top: 14px; }
article.case > header { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
article.case h3 { margin: 0; font-size: 16px; overflow-wrap: anywhere; }
.badge { background: #ffebe9; color: var(--red); padding: 1px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; }
ol.turns { list-style: none; padding: 0; margin: 8px 0 0; display: grid; gap: 12px; }
li.turn { border: 1px solid var(--line); border-left: 4px solid var(--green); border-radius: 8px; padding: 10px 14px; }
li.turn.failed { border-left-color: var(--red); }
.turn-no { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.msg { margin: 8px 0; padding: 8px 12px; border-radius: 10px; max-width: 78%; }
.msg .who { font-size: 12px; font-weight: 600; color: var(--muted); margin-bottom: 2px; }
.msg .text { white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.customer { background: #eef1f4; }
.msg.bot { background: #ddf4ff; margin-left: auto; }
.msg.none { background: #fff8c5; margin-left: auto; font-style: italic; color: var(--muted); }
dl.decision { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 6px 18px; margin: 8px 0;
  font-size: 13px; background: var(--soft); padding: 8px 12px; border-radius: 8px; }
dl.decision dt { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
dl.decision dd { margin: 0; overflow-wrap: anywhere; }
ul.plain { margin: 0; padding-left: 16px; }
.tag { padding: 0 8px; border-radius: 999px; font-weight: 600; font-size: 12px; }
.tag.auto { background: #dafbe1; color: var(--green); }
.tag.review { background: #fff8c5; color: #7d4e00; }
.tag.escalate { background: #ffebe9; color: var(--red); }
table.checks { margin-top: 6px; font-size: 13px; }
table.checks td { overflow-wrap: anywhere; }
.checks-ok { color: var(--green); font-size: 13px; margin: 6px 0 0; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 8px 0 24px; }
@media print { body { background: #fff; } section, header.top { break-inside: avoid-page; } }
`
