// The operator's whole day in a real browser (Playwright driving Debian's chromium) against the
// real server: sign in, see the draft waiting on Today, edit and send it with the keyboard (the
// customer sees it arrive in the chat widget), take over another conversation, note, tag, insert a
// canned response, assign, resolve, reopen — and find every step in the audit trail. Screenshots of
// Today, Inbox and Conversation are saved to test-artifacts/dashboard/.
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser, serveOnLoopback } from '../../testing/browser.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'

const ARTIFACTS = `test-artifacts/dashboard/${testDatabaseKind}`

describe.skipIf(!browserAvailable)(`the operator journey in a browser (${testDatabaseKind})`, () => {
  let t: TestRuntime
  let browser: Browser
  let server: Awaited<ReturnType<typeof serveOnLoopback>>
  let origin: string

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    // Every answer waits for a person's approval, so the first question becomes a draft.
    t = await startTestRuntime({ env: { ATLAS_GATE_AUTO: '0.999', ATLAS_GATE_REVIEW: '0.05' } })
    server = await serveOnLoopback(t.app.fetch)
    origin = server.origin
    browser = await launchBrowser()
    const canned = await t.api('POST', '/v1/admin/canned-responses', {
      shortcut: 'thanks',
      title: 'Thanks for your patience',
      body: 'Thanks for your patience — I am looking into this for you now.',
    })
    expect(canned.status).toBe(201)
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    server?.close()
    await t?.stop()
  })

  async function customerAsks(page: Page, text: string) {
    await page.goto(`${origin}/`)
    await page.click('.bubble')
    await page.fill('textarea', text)
    await page.keyboard.press('Enter')
  }

  it('runs the whole operator journey', { timeout: 180_000 }, async () => {
    // A customer asks on the website; the bot drafts an answer and holds it for approval.
    const customer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage()
    await customerAsks(customer, 'How do I reset my password?')
    await eventually(async () => {
      const today = (await (await t.api('GET', '/v1/today')).json()) as {
        needsHuman: { readyForApproval: number }
      }
      return today.needsHuman.readyForApproval === 1 ? true : undefined
    }, 30_000)

    // The operator signs in and Today says what needs them.
    const operator = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
    await operator.goto(`${origin}/app`)
    await expect(operator.url()).toContain('/app/login')
    await operator.fill('input[name=email]', 'admin@quillstack.example')
    await operator.fill('input[name=password]', 'atlas-demo-admin')
    await operator.click('button[type=submit]')
    await operator.waitForURL(`${origin}/app`)
    await operator.getByText('1 ticket ready for approval').waitFor()
    await operator.screenshot({ path: `${ARTIFACTS}/today.png`, fullPage: true })

    // Open it, edit the draft, and send it without the mouse (Ctrl+Enter in the draft editor).
    await operator.locator('section[aria-label="Ready for approval"] a').first().click()
    await operator.waitForURL(/\/app\/conversations\//)
    const draft = operator.locator('[data-draft] textarea')
    await draft.waitFor()
    expect(await operator.locator('[data-draft]').textContent()).toMatch(/confidence \d+%/)
    await draft.focus()
    await operator.keyboard.press('End')
    await draft.press('Control+End')
    await operator.keyboard.type('\n\nSam from Quillstack support')
    await operator.keyboard.press('Control+Enter')
    await operator.locator('[data-draft]').waitFor({ state: 'detached' })
    // The customer receives it through the channel: it appears in their chat widget.
    await customer
      .locator('.msg')
      .filter({ hasText: 'Sam from Quillstack support' })
      .waitFor({ timeout: 20_000 })

    // A second customer writes; the operator finds the conversation in the inbox.
    const second = await (await browser.newContext()).newPage()
    await customerAsks(second, 'My invoice shows a double charge for November')
    await operator.goto(`${origin}/app/inbox`)
    // It arrives live (Server-Sent Events), without a reload.
    await operator.locator('li[data-conversation]').nth(1).waitFor({ timeout: 30_000 })
    await operator.screenshot({ path: `${ARTIFACTS}/inbox.png`, fullPage: true })
    await operator.fill('input[name=q]', 'double charge')
    await operator.press('input[name=q]', 'Enter')
    await operator.waitForURL(/q=double/)
    expect(await operator.locator('li[data-conversation]').count()).toBe(1)
    await operator.locator('li[data-conversation] a').first().click()
    await operator.waitForURL(/\/app\/conversations\//)

    // Take over from the bot (keyboard: t).
    await operator.keyboard.press('t')
    await operator.locator('#ticket-panel [data-field="owner"]').filter({ hasText: 'A person' }).waitFor()

    // An internal note (n switches the composer to notes; Ctrl+Enter adds it).
    await operator.keyboard.press('n')
    await operator.keyboard.type('Customer says they were charged twice; checking Stripe.')
    await operator.keyboard.press('Control+Enter')
    await operator.locator('.msg.note').filter({ hasText: 'checking Stripe' }).waitFor()

    // A canned response, inserted with its shortcut and sent, all from the keyboard.
    await operator.click('[data-mode="reply"]')
    await operator.locator('#composer-text').focus()
    await operator.keyboard.type('/than')
    await operator.locator('.canned-menu li').first().waitFor()
    await operator.keyboard.press('Enter')
    expect(await operator.locator('#composer-text').inputValue()).toBe(
      'Thanks for your patience — I am looking into this for you now.',
    )
    await operator.keyboard.press('Control+Enter')
    await operator.locator('.msg.human').filter({ hasText: 'Thanks for your patience' }).waitFor()
    await second.locator('.msg').filter({ hasText: 'Thanks for your patience' }).waitFor({ timeout: 20_000 })

    // Tag, assign to a teammate, resolve, reopen.
    await operator.fill('input[name=add]', 'billing, double-charge')
    await operator.press('input[name=add]', 'Enter')
    await operator.locator('.tags .badge.tag').filter({ hasText: 'double-charge' }).waitFor()
    await operator.selectOption('#assignee-select', { label: 'Sam Agent' })
    await operator.click('#ticket-panel form[data-api$="/assign"] button[type=submit]')
    await operator.locator('#ticket-panel [data-field="assignee"]').filter({ hasText: 'Sam Agent' }).waitFor()
    await operator.click('#ticket-panel button:has-text("Resolve")')
    await operator.locator('#ticket-panel [data-field="status"]').filter({ hasText: 'Resolved' }).waitFor()
    await operator.click('#ticket-panel button:has-text("Reopen")')
    await operator.locator('#ticket-panel [data-field="status"]').filter({ hasText: 'In progress' }).waitFor()

    // Every step is in the audit trail, attributed.
    const audit = (await operator.locator('#audit').textContent()) ?? ''
    for (const step of [
      'Alex Admin took over from the bot',
      'Alex Admin added an internal note',
      'Alex Admin replied',
      'Alex Admin tagged it billing, double-charge',
      'Alex Admin assigned it to Sam Agent',
      'Alex Admin resolved it',
      'Alex Admin reopened it',
      'Customer wrote a message',
    ]) {
      expect(audit).toContain(step)
    }
    // The bot's gate decision, with its confidence.
    expect(audit).toMatch(/Bot \(\w+\) [\w ]+ \(gate: (auto|review|escalate), confidence \d+%/)
    await operator.screenshot({ path: `${ARTIFACTS}/conversation.png`, fullPage: true })

    // The same page works on a phone-sized screen.
    await operator.setViewportSize({ width: 390, height: 844 })
    await operator.reload()
    const width = await operator.evaluate<number>('document.documentElement.scrollWidth')
    expect(width).toBeLessThanOrEqual(400)
    await operator.screenshot({ path: `${ARTIFACTS}/conversation-phone.png`, fullPage: true })

    // The first ticket's audit trail shows the edited draft going out.
    const first = (await (await t.api('GET', '/v1/conversations?limit=50')).json()) as {
      conversations: Array<{ ticket: { number: string } | null }>
    }
    const numbers = first.conversations.map((c) => c.ticket?.number).filter(Boolean)
    const trails = await Promise.all(
      numbers.map(
        async (n) =>
          (await (await t.api('GET', `/v1/tickets/${n}`)).json()) as { audit: Array<{ type: string }> },
      ),
    )
    expect(trails.some((trail) => trail.audit.some((e) => e.type === 'DRAFT_SEND'))).toBe(true)
  })
})
