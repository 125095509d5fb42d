import { describe, expect, it } from 'vitest'
import { syntheticRun } from './fixture.ts'
import { htmlReport } from './html.ts'
import { junitReport } from './junit.ts'

describe('junitReport', () => {
  const run = syntheticRun()
  const xml = junitReport(run)

  it('has one suite per dataset file and one test case per case, with the failure counted', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true)
    expect(xml).toMatch(/<testsuites name="eval" tests="3" failures="1" errors="0" time="83\.400">/)
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)].map((m) =>
      m.slice(1),
    )
    expect(suites).toEqual([
      ['support.jsonl', '1', '0'],
      ['edge.jsonl', '1', '1'],
      ['billing-sales.jsonl', '1', '0'],
    ])
    expect(xml).toContain('<testcase name="vat-on-invoice" classname="support.jsonl" time="0.840"/>')
    expect(xml).toContain('<testcase name="injection-refund" classname="edge.jsonl" time="1.330">')
    expect(xml.match(/<failure /g)).toHaveLength(1)
    expect(xml).toContain('<property name="model" value="synthetic-model"/>')
    expect(xml).toContain('<property name="repeat" value="2"/>')
  })

  it("lists the first failing run's failed checks per turn", () => {
    const failure = /<failure message="([^"]*)" type="EvalCheckFailed">([^<]*)<\/failure>/.exec(xml)!
    expect(failure).not.toBeNull()
    const [, message, detail] = failure
    expect(message).toContain('failed 1 of 2 runs')
    expect(message).toContain('action: expected refund, got answer')
    expect(message).toContain('gate: expected escalate, got auto')
    expect(detail).toContain('first failing run: run 1 of 2')
    expect(detail).toContain('turn 1:\n  action: expected refund, got answer')
    expect(detail).toContain(
      'exclude: expected not refund approved, got Refund approved! &lt;b&gt;Done&lt;/b&gt;',
    )
    expect(detail).not.toContain('turn 2:')
  })

  it('escapes markup, quotes and control characters', () => {
    const run = syntheticRun()
    const c = run.cases[1]!
    c.id = 'a<b>&"c"\u0001\uD800'
    c.runs[0]!.turns[0]!.checks[0] = {
      name: 'route',
      pass: false,
      expected: 'atlas',
      actual: '<script>"x"</script>\u0000',
    }
    const out = junitReport(run)
    expect(out).toContain('name="a&lt;b&gt;&amp;&quot;c&quot;\\u0001\\ud800"')
    expect(out).toContain('route: expected atlas, got &lt;script&gt;&quot;x&quot;&lt;/script&gt;\\u0000')
    expect(out).toContain('route: expected atlas, got &lt;script&gt;"x"&lt;/script&gt;\\u0000')
    expect(out).not.toContain('<script>')
    expect([...out].some((ch) => ch.charCodeAt(0) < 0x20 && !'\t\n\r'.includes(ch))).toBe(false)
  })
})

describe('htmlReport', () => {
  const run = syntheticRun()
  const html = htmlReport(run, {
    flipped: ['injection-refund'],
    fixed: ['upgrade-plan'],
    regressions: [{ metric: 'automatic.risk', baseline: 0, current: 0.25 }],
  })

  it('is one self-contained page with the three kinds of chart', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('id="chart-coverage-risk"')
    expect(html).toContain('id="chart-calibration"')
    for (const head of ['route', 'category', 'intent', 'urgency', 'action', 'gate']) {
      expect(html).toContain(`id="confusion-${head}"`)
    }
    expect(html.match(/<svg [^>]*role="img"/g)).toHaveLength(2)
    expect(html).toContain('<title id="chart-calibration-title">')
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import/i)
  })

  it('shows the header facts and the metrics', () => {
    expect(html).toContain('synthetic-model')
    expect(html).toContain('2025-03-04 09:30 UTC')
    expect(html).toContain('1 min 23 s')
    expect(html).toContain(`${(run.metrics.passRate * 100).toFixed(1)}%`)
    expect(html).toContain('Automatic coverage')
    expect(html).toContain('Calibration ECE')
  })

  it('escapes the injection attempt in the transcript', () => {
    expect(html).not.toContain('<script>window.__pwned')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<h1>owned</h1>')
    expect(html).toContain(
      '&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;',
    )
    expect(html).toContain('Hello?\\u0007 Is anyone there? &lt;/li&gt;&lt;/ol&gt;&lt;h1&gt;owned&lt;/h1&gt;')
  })

  it('lists the failed case with its transcript, decision and failed checks', () => {
    const start = html.indexOf('<article class="case" id="case-injection-refund">')
    expect(start).toBeGreaterThan(0)
    const article = html.slice(start, html.indexOf('</article>', start))
    expect(article).toContain('failed 1 of 2 runs')
    expect(article).toContain('transcript of run 1, the first that failed')
    expect(article).toContain('Refund approved! &lt;b&gt;Done&lt;/b&gt;')
    expect(article).toContain('(no reply: with a person)')
    expect(article).toContain('<code>answered_from_library</code>')
    expect(article).toContain('<code>refunds</code> › Refund policy')
    expect(article).toContain('<code>library_search</code>')
    expect(article).toContain('<code>in_progress</code>')
    expect(article).toMatch(
      /<th scope="row"><code>gate<\/code><\/th><td>escalate<\/td><td class="bad">auto<\/td>/,
    )
    expect(article).toMatch(
      /<th scope="row"><code>action<\/code><\/th><td>refund<\/td><td class="bad">answer<\/td>/,
    )
    // Passing cases get no transcript.
    expect(html).not.toContain('id="case-vat-on-invoice"')
  })

  it('shows the comparison: flipped cases in red, regressions', () => {
    expect(html).toMatch(
      /<ul class="chips flipped"><li><a href="#case-injection-refund">injection-refund<\/a><\/li><\/ul>/,
    )
    expect(html).toMatch(/<ul class="chips fixed"><li>upgrade-plan<\/li><\/ul>/)
    expect(html).toContain('<tr class="regression"><th scope="row">automatic.risk</th>')
    expect(htmlReport(run)).not.toContain('id="comparison"')
  })

  it('marks the operating point and draws the curve and the bins', () => {
    const curve = html.slice(html.indexOf('<svg id="chart-coverage-risk"'), html.indexOf('</svg>'))
    expect(curve).toContain('class="operating"')
    expect(curve).toContain(`gate now: ${(run.metrics.automatic.coverage * 100).toFixed(1)}%`)
    expect(curve.match(/<circle class="point"/g)).toHaveLength(run.metrics.coverageRisk.length)
    const start = html.indexOf('<svg id="chart-calibration"')
    const calibration = html.slice(start, html.indexOf('</svg>', start))
    expect(calibration.match(/<rect class="bar"/g)).toHaveLength(run.metrics.calibration.bins.length)
    for (const bin of run.metrics.calibration.bins) expect(calibration).toContain(`n=${bin.count}`)
  })
})
