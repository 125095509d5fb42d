// What each fault scenario reports: one row per scenario (sent, processed, lost, duplicated and
// what else it saw), written as JSON under test-artifacts/faults/ and printed as a table at the end
// of `npm run test:faults` by the suite's global teardown (global-setup.ts).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Tally } from './audit.ts'

export const REPORT_DIR = resolve('test-artifacts/faults')

export const LEGEND = [
  'sent        messages the fake customers sent (each once, however often it was redelivered after a non-2xx)',
  'processed   acknowledged (2xx) messages that reached one final outcome: answered (the reply was delivered),',
  '            drafted (a draft waits for approval, nothing sent) or escalated (a person owns the ticket)',
  'lost        acknowledged messages with no final outcome: not stored, stuck mid-way, or a reply marked',
  '            sent that the provider never received',
  'duplicated  messages with more than one outcome in the database (stored twice, two verdicts, two replies,',
  '            two REPLY_DELIVERED) or a reply the fake Graph API accepted more than once',
]

export interface ScenarioReport {
  scenario: string
  sent: number
  processed: number
  lost: number
  duplicated: number
  answered: number
  drafted: number
  escalated: number
  /** What this scenario did and saw besides: kills, 503s, model failures, outage length … */
  notes: Record<string, string | number>
  seconds: number
}

export function scenarioReport(
  scenario: string,
  tally: Tally,
  notes: ScenarioReport['notes'],
  startedAt: number,
): ScenarioReport {
  return {
    scenario,
    sent: tally.sent,
    processed: tally.processed,
    lost: tally.lost,
    duplicated: tally.duplicated,
    answered: tally.answered,
    drafted: tally.drafted,
    escalated: tally.escalated,
    notes: { 'provider sends': tally.providerSends, ...notes },
    seconds: Math.round((Date.now() - startedAt) / 1000),
  }
}

/** Saves the report for the summary and returns its printed row. */
export function saveReport(report: ScenarioReport): string {
  mkdirSync(REPORT_DIR, { recursive: true })
  writeFileSync(join(REPORT_DIR, `${slug(report.scenario)}.json`), `${JSON.stringify(report, null, 2)}\n`)
  return `\n${formatTable([report])}\n`
}

export function readReports(): ScenarioReport[] {
  let files: string[]
  try {
    files = readdirSync(REPORT_DIR).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
  return files
    .map((f) => JSON.parse(readFileSync(join(REPORT_DIR, f), 'utf8')) as ScenarioReport)
    .sort((a, b) => a.scenario.localeCompare(b.scenario))
}

export function clearReports(): void {
  rmSync(REPORT_DIR, { recursive: true, force: true })
}

const COLUMNS: Array<[string, (r: ScenarioReport) => string]> = [
  ['scenario', (r) => r.scenario],
  ['sent', (r) => String(r.sent)],
  ['processed', (r) => String(r.processed)],
  ['lost', (r) => String(r.lost)],
  ['duplicated', (r) => String(r.duplicated)],
  ['answered', (r) => String(r.answered)],
  ['drafted', (r) => String(r.drafted)],
  ['escalated', (r) => String(r.escalated)],
  ['time', (r) => `${r.seconds} s`],
  [
    'notes',
    (r) =>
      Object.entries(r.notes)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
  ],
]

export function formatTable(reports: readonly ScenarioReport[]): string {
  const cells = [COLUMNS.map(([name]) => name), ...reports.map((r) => COLUMNS.map(([, cell]) => cell(r)))]
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)))
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd()
  const rule = widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? 5 : w)).join('-+-')
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n')
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}
