// The fault suite's global setup: starts from an empty report folder, and at the end prints every
// scenario's row in one table with the legend (each scenario file writes its own row).
import { clearReports, formatTable, LEGEND, REPORT_DIR, readReports } from './report.ts'

export default function setup() {
  clearReports()
  const started = Date.now()
  return () => {
    const reports = readReports()
    const seconds = Math.round((Date.now() - started) / 1000)
    const lines = [
      '',
      `Fault suite: ${reports.length} scenarios in ${seconds} s (reports in ${REPORT_DIR})`,
      '',
      formatTable(reports),
      '',
      ...LEGEND,
      '',
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  }
}
