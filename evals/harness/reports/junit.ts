// JUnit XML for CI test reporters: one <testsuite> per dataset file, one <testcase> per eval case.
// A case that failed in any of its runs carries a <failure> listing, turn by turn, the checks that
// failed in its first failing run (name, expected, actual).
import { basename } from 'node:path'
import type { CaseResult, EvalRun } from '../run.ts'

export function junitReport(run: EvalRun): string {
  const suites = new Map<string, CaseResult[]>()
  for (const c of run.cases) {
    const file = basename(c.file)
    suites.set(file, [...(suites.get(file) ?? []), c])
  }
  const failures = run.cases.filter((c) => c.passRate < 1).length
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="eval" tests="${run.cases.length}" failures="${failures}" errors="0" time="${seconds(run.durationMs)}">`,
  ]
  for (const [file, cases] of suites) {
    const suiteFailures = cases.filter((c) => c.passRate < 1).length
    const time = cases.reduce((s, c) => s + caseMs(c), 0)
    lines.push(
      `  <testsuite name="${attr(file)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="0" time="${seconds(time)}" timestamp="${attr(run.startedAt.replace(/Z$/, ''))}">`,
      '    <properties>',
      `      <property name="model" value="${attr(run.model)}"/>`,
      `      <property name="repeat" value="${run.repeat}"/>`,
      `      <property name="datasets" value="${attr(run.datasets.join(', '))}"/>`,
      '    </properties>',
    )
    for (const c of cases) {
      const open = `    <testcase name="${attr(c.id)}" classname="${attr(file)}" time="${seconds(caseMs(c))}"`
      const failure = failureOf(c)
      if (!failure) {
        lines.push(`${open}/>`)
        continue
      }
      lines.push(
        `${open}>`,
        `      <failure message="${attr(failure.message)}" type="EvalCheckFailed">${text(failure.detail)}</failure>`,
        '    </testcase>',
      )
    }
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>', '')
  return lines.join('\n')
}

/** The failed checks of a case's first failing run, or null when every run passed. */
function failureOf(c: CaseResult): { message: string; detail: string } | null {
  if (c.passRate >= 1) return null
  const index = c.runs.findIndex((r) => !r.pass)
  const run = c.runs[index]
  const failedRuns = c.runs.filter((r) => !r.pass).length
  const header = `failed ${failedRuns} of ${c.runs.length} run${c.runs.length === 1 ? '' : 's'} (pass rate ${Math.round(c.passRate * 100)}%)`
  if (!run) return { message: header, detail: header }
  const lines: string[] = []
  for (const turn of run.turns) {
    const failed = turn.checks.filter((k) => !k.pass)
    if (failed.length === 0) continue
    lines.push(`turn ${turn.turn + 1}:`)
    for (const k of failed) lines.push(`  ${k.name}: expected ${k.expected}, got ${k.actual}`)
  }
  const where = `run ${index + 1} of ${c.runs.length}`
  return {
    message: `${header}; ${where}: ${lines
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim())
      .join('; ')}`,
    detail: `${header}\nfirst failing run: ${where}\n${lines.join('\n')}`,
  }
}

/** Time spent deciding the case's turns, over all its runs. */
function caseMs(c: CaseResult): number {
  return c.runs.reduce((s, r) => s + r.turns.reduce((t, turn) => t + turn.result.latencyMs, 0), 0)
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3)
}

/**
 * Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF and CR, lone surrogates,
 * U+FFFE and U+FFFF) become a visible `\uXXXX` instead of making the document unparseable.
 */
function clean(s: string): string {
  let out = ''
  for (const ch of s) {
    const code = ch.codePointAt(0)!
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000
    out += allowed ? ch : `\\u${code.toString(16).padStart(4, '0')}`
  }
  return out
}

function text(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Attribute values: quotes escaped, and whitespace kept as character references (not normalised away). */
function attr(s: string): string {
  return text(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}
