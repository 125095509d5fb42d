// The HTML report in a real browser (Playwright driving Debian's chromium): the SVG charts render
// with a size and with their marks, the confusion tables show, and the injection attempt in a case
// runs nothing. The page and a full-page screenshot are saved to test-artifacts/eval/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../../../testing/browser.ts'
import { HEADS } from '../metrics.ts'
import { syntheticRun } from './fixture.ts'
import { htmlReport } from './html.ts'

const ARTIFACTS = 'test-artifacts/eval'

describe.skipIf(!browserAvailable)('the HTML eval report in a browser', () => {
  let browser: Browser

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('renders the charts and the failed case, and runs nothing from a case', async () => {
    const file = resolve(ARTIFACTS, 'report.html')
    writeFileSync(
      file,
      htmlReport(syntheticRun(), {
        flipped: ['injection-refund'],
        fixed: [],
        regressions: [{ metric: 'automatic.risk', baseline: 0, current: 0.25 }],
      }),
    )
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(pathToFileURL(file).href)

    for (const id of ['chart-coverage-risk', 'chart-calibration']) {
      const chart = page.locator(`svg#${id}`)
      const box = await chart.boundingBox()
      expect(box, id).not.toBeNull()
      expect(box!.width, id).toBeGreaterThan(100)
      expect(box!.height, id).toBeGreaterThan(50)
      expect(await chart.locator('path').count(), id).toBeGreaterThan(0)
      expect(await chart.locator('circle, rect').count(), id).toBeGreaterThan(0)
      // The marks are drawn inside the chart, not collapsed to nothing.
      const mark = await chart.locator('circle').first().boundingBox()
      expect(mark!.width, id).toBeGreaterThan(0)
      expect(await chart.locator('title').first().textContent(), id).not.toBe('')
    }
    expect(await page.locator('#chart-coverage-risk .operating circle').isVisible()).toBe(true)
    expect(await page.locator('#chart-calibration rect.bar').count()).toBeGreaterThan(0)

    for (const head of HEADS) {
      const matrix = page.locator(`#confusion-${head}`)
      const box = await matrix.boundingBox()
      expect(box, head).not.toBeNull()
      expect(box!.width * box!.height, head).toBeGreaterThan(0)
    }
    expect(await page.locator('#confusion-gate td').count()).toBeGreaterThan(0)

    const failed = page.locator('article#case-injection-refund')
    expect(await failed.isVisible()).toBe(true)
    expect(await failed.locator('li.turn').count()).toBe(2)
    expect(await failed.locator('.msg.customer .text').first().textContent()).toContain(
      '<script>window.__pwned = 1</script>',
    )
    const flippedColor = 'getComputedStyle(document.querySelector("#comparison .chips.flipped li")).color'
    expect(await page.evaluate(flippedColor)).toBe('rgb(207, 34, 46)')
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined')
    expect(await page.locator('script, img').count()).toBe(0)
    expect(errors).toEqual([])

    await page.screenshot({ path: `${ARTIFACTS}/report.png`, fullPage: true })
  })
})
