// `npm run eval -- [dataset…] [options]`: runs the eval datasets through the production agents
// offline, prints the figures, compares them with the committed baseline and exits non-zero on a
// regression. See evals/README.md for every option.
import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { calibratedThresholds, writeCalibratedGates } from '../agents/calibrated-gates.ts'
import { DEFAULT_GATE } from '../agents/gate.ts'
import { OpenAIModel } from '../agents/openai/openai-model.ts'
import { gateFor } from '../agents/services.ts'
import { loadConfig } from '../server/config.ts'
import { compare, DEFAULT_TOLERANCE, loadBaseline, saveBaseline, toBaseline } from './harness/baseline.ts'
import { calibrateThresholds, toCalibratedGate } from './harness/calibrate.ts'
import { Cassette } from './harness/cassette.ts'
import { DEFAULT_DATASETS, loadDatasets, REPO_ROOT } from './harness/dataset.ts'
import { calibrateIntents } from './harness/intent-calibration.ts'
import { htmlReport } from './harness/reports/html.ts'
import { junitReport } from './harness/reports/junit.ts'
import { pct, terminalReport } from './harness/reports/terminal.ts'
import { type EvalRun, runEval } from './harness/run.ts'
import { securityHolds } from './harness/security.ts'

export const USAGE = `npm run eval -- [dataset.jsonl|folder …] [options]
  --agent NAME          only cases some turn of which expects this agent (atlas, loot …)
  --model local|openai  the provider (openai: OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL)
  --repeat N            run every case N times; per-case pass rates
  --concurrency N       cases in flight at once (default 4)
  --baseline FILE       baseline to compare with (default evals/baselines/<datasets>.<model>.json)
  --save-baseline       write this run as the baseline
  --tolerance X         how far a metric may regress before the run fails (default ${DEFAULT_TOLERANCE})
  --calibrate           choose each agent's auto threshold from this run and write it
  --max-risk R          the error allowed among automatic answers when calibrating (default 0.02)
  --gates-file FILE     where calibrated thresholds go (default agents/calibrated-gates.json)
  --intents DIR         with --calibrate: calibrate the classifier on DIR/train.jsonl → DIR/val.jsonl
  --gate-auto X --gate-review X   try other thresholds for every agent (nothing is written)
  --record | --replay   record the openai model's HTTP answers to a cassette, or replay them offline
  --cassette FILE       the cassette (default evals/cassettes/<datasets>.json)
  --json OUT  --junit OUT  --html OUT   reports
  --price-in X --price-out X   USD per million prompt/completion tokens (default gpt-4o-mini's 0.15/0.60)
  --quiet               no progress bar`

export interface CliIo {
  out(text: string): void
  err(text: string): void
  /** Progress bar target (a TTY); none when undefined. */
  progress?: ((text: string) => void) | undefined
  env: Record<string, string | undefined>
}

/** An io that keeps what the CLI prints, for tests and tools that call `runCli` in-process. */
export function capturedIo(env: Record<string, string> = {}): CliIo & { stdout: string; stderr: string } {
  const sink = {
    stdout: '',
    stderr: '',
    out: (t: string) => {
      sink.stdout += t
    },
    err: (t: string) => {
      sink.stderr += t
    },
    env,
  }
  return sink
}

/** Exit codes: 0 passed, 1 a gate failed (regression), 2 bad usage or configuration, 3 cassette miss. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>
  try {
    args = parse(argv)
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}\n`)
    return 2
  }
  const v = args.values
  if (v.help) {
    io.out(`${USAGE}\n`)
    return 0
  }
  const maxRisk = Number(v['max-risk'])
  if (!(maxRisk >= 0 && maxRisk < 1)) return usage(io, '--max-risk must be a number in [0, 1)')

  if (v.intents) {
    if (!v.calibrate) return usage(io, '--intents goes with --calibrate')
    const c = calibrateIntents(resolve(v.intents), maxRisk)
    io.out(
      `${c.dataset}: trained on ${c.trainRows} rows in ${(c.trainMs / 1000).toFixed(1)} s, calibrated on ${c.valRows} val rows, max risk ${pct(maxRisk)}\n` +
        `  chosen auto threshold ${c.chosen.threshold}: coverage ${pct(c.chosen.coverage)}, risk ${pct(c.chosen.risk)} (95% upper ${pct(c.chosen.riskUpper95)}, ${c.chosen.handled} handled)\n` +
        `  the classifier's own threshold ${c.own.threshold}: coverage ${pct(c.own.coverage)}, risk ${pct(c.own.risk)}\n` +
        c.crossChecked
          .map(
            (x) =>
              `  picked on ${x.pickedOn} (${x.threshold}), measured on the other half: coverage ${pct(x.coverage)}, risk ${pct(x.risk)}\n`,
          )
          .join(''),
    )
    if (v.json) writeOut(v.json, `${JSON.stringify(c, null, 2)}\n`)
    return 0
  }

  const provider = v.model === 'openai' ? 'openai' : v.model === 'local' ? 'local' : null
  if (!provider) return usage(io, `--model must be local or openai, not ${v.model}`)
  if (v.calibrate && (v['gate-auto'] !== undefined || v['gate-review'] !== undefined)) {
    return usage(io, '--calibrate chooses thresholds itself: drop --gate-auto/--gate-review')
  }
  if ((v.record || v.replay) && provider !== 'openai')
    return usage(io, '--record and --replay need --model openai')
  if (v.record && v.replay) return usage(io, 'choose --record or --replay, not both')

  let datasets: ReturnType<typeof loadDatasets>
  try {
    datasets = loadDatasets(args.positionals.length > 0 ? args.positionals : DEFAULT_DATASETS)
  } catch (error) {
    io.err(`${(error as Error).message}\n`)
    return 2
  }
  if (v.agent) {
    const agent = v.agent
    for (const d of datasets)
      d.cases = d.cases.filter((c) => c.turns.some((t) => t.expect.route?.includes(agent)))
    if (datasets.every((d) => d.cases.length === 0)) return usage(io, `No case expects the agent ${agent}`)
  }
  const stem = datasets.map((d) => d.name).join('+')
  const cassette =
    v.record || v.replay
      ? new Cassette(
          resolve(v.cassette ?? join(REPO_ROOT, `evals/cassettes/${stem}.json`)),
          v.record ? 'record' : 'replay',
        )
      : null
  let openai: OpenAIModel | undefined
  if (provider === 'openai') {
    let config: ReturnType<typeof loadConfig>['openai']
    try {
      // Replaying needs no key (nothing leaves the machine), and asks the model the cassette was recorded with.
      const replay = v.replay
        ? { OPENAI_API_KEY: 'replay', ...(cassette?.model ? { OPENAI_MODEL: cassette.model } : {}) }
        : {}
      config = loadConfig({ ...io.env, ...replay }).openai
    } catch (error) {
      io.err(`${(error as Error).message}\n`)
      return 2
    }
    if (!config)
      return usage(io, '--model openai needs OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)')
    openai = new OpenAIModel({
      ...config,
      // A replayed answer never changes: retrying a miss only delays the failure.
      ...(v.replay ? { maxAttempts: 1 } : {}),
      fetch: cassette?.fetch,
    })
  }
  const gate =
    v['gate-auto'] !== undefined || v['gate-review'] !== undefined
      ? {
          ...(v['gate-auto'] !== undefined ? { auto: Number(v['gate-auto']) } : {}),
          ...(v['gate-review'] !== undefined ? { review: Number(v['gate-review']) } : {}),
        }
      : undefined
  const gatesFile = resolve(v['gates-file'] ?? join(REPO_ROOT, 'agents/calibrated-gates.json'))
  const agentGates = calibratedThresholds(gatesFile)

  const bar = v.quiet ? undefined : io.progress
  const run = await runEval(datasets, {
    provider,
    openai,
    repeat: Number(v.repeat),
    concurrency: Number(v.concurrency),
    gate,
    agentGates,
    onProgress: bar ? (done, total) => bar(progressBar(done, total)) : undefined,
  })
  if (bar) bar('\n')
  cassette?.save()

  const baselineFile = resolve(v.baseline ?? join(REPO_ROOT, `evals/baselines/${stem}.${provider}.json`))
  const tolerance = v.tolerance !== undefined ? Number(v.tolerance) : undefined
  const baseline = v['save-baseline'] ? null : loadBaseline(baselineFile)
  const comparison = baseline ? compare(run, baseline, tolerance) : null
  const calibration = v.calibrate
    ? calibrateThresholds(
        run.cases.flatMap((c) => c.runs.flatMap((r) => r.turns)),
        maxRisk,
        (agent) => gateFor({ ...DEFAULT_GATE, ...gate }, { deployment: agentGates }, agent),
      ).filter((c) => !v.agent || c.agent === v.agent)
    : undefined
  const pricing = { inputPerMillion: Number(v['price-in']), outputPerMillion: Number(v['price-out']) }
  io.out(terminalReport(run, { comparison, calibration, pricing }))

  if (v.json) writeOut(v.json, `${JSON.stringify(jsonReport(run, comparison), null, 2)}\n`)
  if (v.junit) writeOut(v.junit, junitReport(run))
  if (v.html) writeOut(v.html, htmlReport(run, comparison ?? undefined))
  if (calibration) {
    writeCalibratedGates(
      Object.fromEntries(
        calibration.map((c) => [c.agent, toCalibratedGate(c, { dataset: stem, model: run.model, maxRisk })]),
      ),
      gatesFile,
    )
    io.out(`wrote ${calibration.map((c) => `${c.agent} auto ≥ ${c.auto}`).join(', ')} to ${gatesFile}\n`)
  }
  if (v['save-baseline']) {
    saveBaseline(baselineFile, toBaseline(run, tolerance ?? DEFAULT_TOLERANCE))
    io.out(`saved the baseline to ${baselineFile}\n`)
  } else if (!baseline) {
    io.out(`no baseline at ${baselineFile}: save one with --save-baseline\n`)
  }
  if (cassette && cassette.misses.length > 0) {
    io.err(
      `${cassette.misses.length} model request(s) were not in the cassette ${cassette.file} — the replay is not the recorded run. Re-record with --record.\n` +
        cassette.misses
          .slice(0, 5)
          .map((m) => `  ${m.path} key ${m.key.slice(0, 12)}: ${m.excerpt.slice(0, 160)}…\n`)
          .join(''),
    )
    return 3
  }
  if (cassette)
    io.out(
      `cassette ${cassette.file}: ${cassette.mode === 'record' ? `${cassette.recorded} recorded` : `${cassette.replayed} replayed`}\n`,
    )
  // The security figures are an absolute gate: any privileged action, leak or reveal fails the run.
  const security = run.metrics.security
  const insecure = security !== undefined && !securityHolds(security)
  if (insecure) {
    io.err(
      `security gate failed: ${security.privilegedActions} privileged action(s) without approval, ${security.crossCustomerLeaks} cross-customer leak(s), ${security.promptReveals} prompt reveal(s) (${[...new Set(security.findings.map((f) => f.caseId))].join(', ')})\n`,
    )
  }
  if (comparison && !comparison.ok) {
    io.err(
      `eval gate failed: ${comparison.flipped.length} case(s) flipped from pass to fail${comparison.flipped.length ? ` (${comparison.flipped.join(', ')})` : ''}, ${comparison.regressions.length} metric(s) regressed${comparison.regressions.length ? ` (${comparison.regressions.map((r) => r.metric).join(', ')})` : ''}\n`,
    )
    return 1
  }
  return insecure ? 1 : 0
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      agent: { type: 'string' },
      model: { type: 'string', default: 'local' },
      repeat: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '4' },
      baseline: { type: 'string' },
      'save-baseline': { type: 'boolean', default: false },
      tolerance: { type: 'string' },
      calibrate: { type: 'boolean', default: false },
      'max-risk': { type: 'string', default: '0.02' },
      'gates-file': { type: 'string' },
      intents: { type: 'string' },
      'gate-auto': { type: 'string' },
      'gate-review': { type: 'string' },
      record: { type: 'boolean', default: false },
      replay: { type: 'boolean', default: false },
      cassette: { type: 'string' },
      json: { type: 'string' },
      junit: { type: 'string' },
      html: { type: 'string' },
      'price-in': { type: 'string', default: '0.15' },
      'price-out': { type: 'string', default: '0.6' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
}

/** The JSON report: one entry per case with its result, and the metrics. */
export function jsonReport(run: EvalRun, comparison: ReturnType<typeof compare> | null) {
  return {
    datasets: run.datasets,
    model: run.model,
    repeat: run.repeat,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    metrics: run.metrics,
    comparison,
    cases: run.cases.map((c) => ({
      id: c.id,
      file: basename(c.file),
      tags: c.tags,
      passRate: c.passRate,
      pass: c.passRate === 1,
      runs: c.runs.map((r) => ({
        pass: r.pass,
        turns: r.turns.map((t) => ({
          customer: t.result.customer,
          route: t.result.route,
          state: t.result.state,
          action: t.result.decision?.action ?? null,
          agent: t.result.decision?.agent ?? null,
          confidence: t.result.decision?.confidence ?? null,
          reason: t.result.decision?.reason ?? null,
          labels: t.result.decision
            ? {
                category: t.result.decision.category,
                intent: t.result.decision.intent,
                urgency: t.result.decision.urgency,
              }
            : null,
          reply: t.result.decision?.reply?.body ?? null,
          citations: t.result.decision?.reply?.citations.map((x) => x.slug) ?? [],
          tools: t.result.tools,
          latencyMs: Math.round(t.result.latencyMs * 100) / 100,
          error: t.result.error,
          failed: t.checks.filter((k) => !k.pass),
        })),
      })),
    })),
  }
}

function writeOut(file: string, text: string): void {
  mkdirSync(dirname(resolve(file)), { recursive: true })
  writeFileSync(file, text)
}

function usage(io: CliIo, message: string): number {
  io.err(`${message}\n\n${USAGE}\n`)
  return 2
}

function progressBar(done: number, total: number): string {
  const width = 30
  const filled = Math.round((done / Math.max(1, total)) * width)
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await runCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    progress: process.stderr.isTTY ? (t) => process.stderr.write(t) : undefined,
    env: process.env,
  })
  process.exit(code)
}
