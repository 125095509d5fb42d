// The chat widget in a real browser (Playwright driving Debian's chromium): a page embeds the
// widget, a visitor asks, the bot's answer appears; an operator's later reply arrives live; the
// visitor comes back and finds the conversation.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser, serveOnLoopback } from '../../testing/browser.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'

describe.skipIf(!browserAvailable)(`the chat widget in a browser (${testDatabaseKind})`, () => {
  let t: TestRuntime
  let browser: Browser
  let server: Awaited<ReturnType<typeof serveOnLoopback>>
  let origin: string

  beforeAll(async () => {
    t = await startTestRuntime()
    server = await serveOnLoopback(t.app.fetch)
    origin = server.origin
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    server?.close()
    await t?.stop()
  })

  it('a visitor asks on a page that embeds the widget and the answer appears; a later human reply arrives live', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    await page.goto(`${origin}/`)
    await page.click('.bubble')
    await page.fill('textarea', 'How do I reset my password?')
    await page.keyboard.press('Enter')
    const answer = page.locator('.msg.bot').filter({ hasText: 'Forgot password?' })
    await answer.waitFor({ timeout: 15_000 })
    await expect(page.locator('.msg.customer').textContent()).resolves.toContain(
      'How do I reset my password?',
    )
    await expect(page.locator('.sources a').first().getAttribute('href')).resolves.toBe(
      'https://help.quillstack.io/articles/reset-password',
    )

    // The widget told the server where the visitor was and what they use.
    const list = (await (await t.api('GET', '/v1/conversations?limit=1')).json()) as {
      conversations: Array<{ id: string }>
    }
    const conversationId = list.conversations[0]!.id
    const view = (await (await t.api('GET', `/v1/conversations/${conversationId}`)).json()) as {
      conversation: { metadata: Record<string, string> }
      ticket: { id: string }
    }
    expect(view.conversation.metadata).toMatchObject({
      page: `${origin}/`,
      device: 'mobile',
      language: 'en-GB',
    })

    // The visitor closes the chat; an operator answers later. The page shows it without a reload:
    // the bubble is marked, and opening it shows the reply.
    await page.click('.close')
    const reply = await t.api('POST', `/v1/tickets/${view.ticket.id}/reply`, {
      text: 'Hi, Sam from support here.',
    })
    expect(reply.status).toBe(200)
    await page.locator('.bubble.unread').waitFor({ timeout: 15_000 })
    await page.click('.bubble')
    await page.locator('.msg.human').filter({ hasText: 'Sam from support' }).waitFor({ timeout: 15_000 })
    await expect(page.locator('.bubble.unread').count()).resolves.toBe(0)

    // The visitor comes back another day: the same browser finds the whole conversation.
    const again = await context.newPage()
    await again.goto(`${origin}/`)
    await again.click('.bubble')
    await again.locator('.msg.human').filter({ hasText: 'Sam from support' }).waitFor({ timeout: 15_000 })
    await expect(again.locator('.msg').count()).resolves.toBe(3)
    await context.close()
  })
})
