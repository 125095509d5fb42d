// The README shows agents/examples/billing.ts verbatim; keep them from drifting apart.
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

it('the README example is the tested example file', () => {
  const readme = readFileSync('README.md', 'utf8')
  const block = /```ts\n([\s\S]*?)```/.exec(readme)![1]!
  const file = readFileSync('agents/examples/billing.ts', 'utf8').split('\n').slice(1).join('\n')
  expect(block.trim()).toBe(file.trim())
  expect(file.trim().split('\n').length).toBeLessThan(40)
})
