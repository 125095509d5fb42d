// The eval gate, end to end on the shipped dataset: the production agents run offline against the
// committed baseline and pass; a deliberately broken gate (thresholds set to 0, so every drafted answer
// goes out unreviewed) fails the run and names the cases that flipped from pass to fail.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { capturedIo, runCli } from './cli.ts'
import { loadBaseline } from './harness/baseline.ts'
import { REPO_ROOT } from './harness/dataset.ts'

const io = () => capturedIo()

const baseline = loadBaseline(join(REPO_ROOT, 'evals/baselines/quillstack.local.json'))!

describe('npm run eval on the shipped dataset', () => {
  it('passes against the committed baseline and prints the figures', async () => {
    const out = io()
    const dir = mkdtempSync(join(tmpdir(), 'eval-'))
    const code = await runCli(
      ['--quiet', '--json', join(dir, 'run.json'), '--junit', join(dir, 'junit.xml')],
      out,
    )
    expect(out.stderr).toBe('')
    expect(code).toBe(0)
    expect(out.stdout).toMatch(/325 cases/)
    expect(out.stdout).toMatch(/escalation precision \/ recall/)
    expect(out.stdout).toMatch(/baseline: no regression/)
    const json = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))
    expect(json.cases).toHaveLength(325)
    expect(json.metrics.passRate).toBe(baseline.metrics.passRate)
    expect(Object.keys(json.cases[0])).toEqual(expect.arrayContaining(['id', 'pass', 'passRate', 'runs']))
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/<testsuites[^>]* tests="325"/)
  }, 120_000)

  it('fails when the gate threshold is set to 0, naming the cases that flipped', async () => {
    const out = io()
    const code = await runCli(['--quiet', '--gate-auto', '0', '--gate-review', '0'], out)
    expect(code).toBe(1)
    const flipped = /flipped from pass to fail \((\d+)\): (.+)/.exec(out.stdout)
    expect(flipped).not.toBeNull()
    const ids = flipped![2]!.split(', ')
    expect(ids.length).toBe(Number(flipped![1]))
    expect(ids.length).toBeGreaterThan(5)
    // Each named case passed in the baseline; the stderr summary names them too.
    for (const id of ids) expect(baseline.cases[id]).toBe(1)
    expect(out.stderr).toMatch(/eval gate failed: \d+ case\(s\) flipped from pass to fail \(/)
    expect(out.stderr).toContain(ids[0])
    expect(out.stdout).toMatch(/automatic\.risk: [\d.]+ → [\d.]+/)
  }, 120_000)
})
