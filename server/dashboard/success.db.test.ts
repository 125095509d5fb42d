// Customer success in a real browser (Playwright driving Debian's chromium) against the real server:
// sign in and see the unread count on the bell, mark a notification read and watch the count drop,
// save notification preferences, record a churn risk's outcome, draft a Library article from a
// knowledge-gap group and open it, see a ticket's SLA clocks and a customer's health. Screenshots go
// to test-artifacts/dashboard/.
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channels } from '../../drizzle/schema/channels.ts'
import {
  churnRisks,
  healthScores,
  knowledgeGapDigests,
  savePlaySteps,
} from '../../drizzle/schema/customer-success.ts'
import { notifications } from '../../drizzle/schema/notifications.ts'
import { users } from '../../drizzle/schema/team.ts'
import { browserAvailable, launchBrowser, serveOnLoopback } from '../../testing/browser.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { createConversation } from '../../testing/fixtures.ts'
import { startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'

const ARTIFACTS = `test-artifacts/dashboard/${testDatabaseKind}`
const DAY = 86_400_000

describe.skipIf(!browserAvailable)(`customer success in a browser (${testDatabaseKind})`, () => {
  let t: TestRuntime
  let browser: Browser
  let server: Awaited<ReturnType<typeof serveOnLoopback>>
  let origin: string
  let adminId: string
  let contactId: string
  let riskId: string
  let digestId: string
  const notificationIds: string[] = []

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    t = await startTestRuntime()
    server = await serveOnLoopback(t.app.fetch)
    origin = server.origin
    browser = await launchBrowser()
    const db = t.runtime.database.db
    const [admin] = await db.select().from(users).where(eq(users.email, 'admin@quillstack.example'))
    adminId = admin!.id

    // Two unread notifications and a read one for the admin.
    for (const [i, n] of [
      { kind: 'sla_breach', title: 'TKT-10001 breached its first response SLA', readAt: null },
      { kind: 'churn_risk', title: 'Dana Customer is at risk of churning', readAt: null },
      { kind: 'escalation', title: 'An old escalation', readAt: new Date() },
    ].entries()) {
      const [row] = await db
        .insert(notifications)
        .values({
          tenantId: t.tenantId,
          userId: adminId,
          kind: n.kind,
          title: n.title,
          body: 'Details of what happened.',
          url: `http://desk.example/app/inbox`,
          dedupeKey: randomUUID(),
          readAt: n.readAt,
          createdAt: new Date(Date.now() - i * 60_000),
        })
        .returning()
      notificationIds.push(row!.id)
    }

    // A customer at risk, with a health history and a save play.
    const [channel] = await db.select().from(channels).where(eq(channels.tenantId, t.tenantId)).limit(1)
    const { contact } = await createConversation(db, t.tenantId, channel!.id)
    contactId = contact.id
    for (const [i, score] of [78, 61, 42].entries()) {
      await db.insert(healthScores).values({
        tenantId: t.tenantId,
        contactId,
        score,
        risk: score >= 70 ? 'low' : score >= 50 ? 'medium' : 'high',
        components: { engagement: 35, support: 40, adoption: 48, sentiment: 52 },
        reasons: { engagement: 'Logged in once in 30 days' },
        computedAt: new Date(Date.now() - (3 - i) * DAY),
      })
    }
    const [risk] = await db
      .insert(churnRisks)
      .values({
        tenantId: t.tenantId,
        contactId,
        signals: [
          {
            kind: 'cancellation_intent',
            evidence: 'asked how to cancel',
            strength: 0.9,
            at: new Date().toISOString(),
          },
        ],
        healthScore: 42,
      })
      .returning()
    riskId = risk!.id
    await db.insert(savePlaySteps).values({
      tenantId: t.tenantId,
      riskId,
      ordinal: 0,
      kind: 'check_in',
      text: 'Hi Sam, checking in personally.',
      dueAt: new Date(Date.now() + DAY),
    })

    // Last week's knowledge-gap digest.
    const end = new Date(Date.now() - DAY)
    const [digest] = await db
      .insert(knowledgeGapDigests)
      .values({
        tenantId: t.tenantId,
        periodStart: new Date(end.getTime() - 7 * DAY),
        periodEnd: end,
        groups: [
          {
            label: 'offline mode on desktop',
            keywords: ['offline', 'desktop'],
            count: 7,
            questions: [
              {
                gapId: randomUUID(),
                question: 'Does the desktop app work offline?',
                ticketId: null,
                ticketNumber: null,
                humanAnswer: 'Yes, docs you opened stay available offline.',
                askedAt: new Date(end.getTime() - DAY).toISOString(),
              },
            ],
            articleId: null,
          },
        ],
      })
      .returning()
    digestId = digest!.id
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    server?.close()
    await t?.stop()
  })

  async function signIn(page: Page) {
    await page.goto(`${origin}/app`)
    await page.fill('input[name=email]', 'admin@quillstack.example')
    await page.fill('input[name=password]', 'atlas-demo-admin')
    await page.click('button[type=submit]')
    await page.waitForURL(`${origin}/app`)
  }

  it('counts unread notifications, marks one read, records a churn outcome and drafts an article', {
    timeout: 120_000,
  }, async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
    page.on('dialog', (dialog) => dialog.accept())
    await signIn(page)

    // The bell in the top bar says 2 unread on every page.
    const bell = page.locator('#notifications-link')
    expect(await bell.getAttribute('aria-label')).toBe('Notifications: 2 unread')
    expect(await bell.locator('.unread-count').textContent()).toBe('2')

    // The notifications page; one is marked read and the bell follows without a reload.
    await bell.click()
    await page.waitForURL(`${origin}/app/notifications`)
    expect(await page.locator('li.notification.unread').count()).toBe(2)
    await page
      .locator(`li[data-notification="${notificationIds[0]}"]`)
      .getByRole('button', { name: /Mark .* as read/ })
      .click()
    await page.locator('#notifications-link[data-unread="1"]').waitFor()
    expect(await bell.locator('.unread-count').textContent()).toBe('1')
    expect(await page.locator('li.notification.unread').count()).toBe(1)
    const unread = (await (await page.request.get(`${origin}/v1/notifications?unread=true`)).json()) as {
      unread: number
      notifications: Array<{ id: string }>
    }
    expect(unread.unread).toBe(1)
    expect(unread.notifications.map((n) => n.id)).toEqual([notificationIds[1]])

    // Preferences: escalations by WhatsApp too, new conversations off; saved through the API.
    await page.getByLabel('Escalation by WhatsApp').check()
    await page.getByLabel('New conversation by Dashboard').uncheck()
    await page.getByLabel('WhatsApp number').fill('14155550123')
    await page.getByRole('button', { name: 'Save preferences' }).click()
    await page.locator('#toast').filter({ hasText: 'Preferences saved' }).waitFor()
    const prefs = (await (await page.request.get(`${origin}/v1/notification-preferences`)).json()) as {
      preferences: { kinds: Record<string, string[]>; whatsapp: string | null; webhook: unknown }
    }
    expect(prefs.preferences.kinds.escalation).toEqual(['dashboard', 'email', 'whatsapp'])
    expect(prefs.preferences.kinds.new_conversation).toEqual([])
    expect(prefs.preferences.whatsapp).toBe('14155550123')
    expect(prefs.preferences.webhook).toBeNull()
    await page.screenshot({ path: `${ARTIFACTS}/notifications.png`, fullPage: true })

    // The customer's profile: health with its history, and the open churn risk.
    await page.goto(`${origin}/app/contacts/${contactId}`)
    expect(await page.locator('[data-field="health-score"]').textContent()).toContain('42')
    expect(await page.locator('#health [data-field="risk"]').textContent()).toBe('High risk')
    expect(await page.locator('svg.sparkline').getAttribute('data-points')).toBe('3')
    await page.locator(`#churn-risks [data-risk="${riskId}"]`).waitFor()
    await page.screenshot({ path: `${ARTIFACTS}/contact-health.png`, fullPage: true })

    // Customer success: record the outcome from the keyboard (note, then the Saved button).
    await page.getByRole('link', { name: 'Customer success' }).click()
    await page.waitForURL(`${origin}/app/success`)
    const risk = page.locator(`[data-risk="${riskId}"]`)
    expect(await risk.textContent()).toContain('Talked about cancelling')
    expect(await risk.textContent()).toContain('Check in with the customer')
    await page.screenshot({ path: `${ARTIFACTS}/success.png`, fullPage: true })
    await risk.getByLabel('Note (optional)').fill('Renewed after a call')
    await risk.getByRole('button', { name: 'Saved' }).focus()
    await page.keyboard.press('Enter')
    await risk.waitFor({ state: 'detached' })
    await page.locator('[data-figure="save-rate"] .figure').filter({ hasText: '100%' }).waitFor()
    const saved = (await (await page.request.get(`${origin}/v1/churn-risks?status=saved`)).json()) as {
      risks: Array<{ id: string; outcomeNote: string; outcomeBy: string; steps: Array<{ status: string }> }>
    }
    expect(saved.risks).toHaveLength(1)
    expect(saved.risks[0]).toMatchObject({
      id: riskId,
      outcomeNote: 'Renewed after a call',
      outcomeBy: adminId,
    })
    expect(saved.risks[0]!.steps.map((s) => s.status)).toEqual(['skipped'])

    // Knowledge gaps: the group, its questions and answers, and a draft article from it.
    await page.getByRole('link', { name: 'Knowledge gaps' }).click()
    await page.waitForURL(`${origin}/app/knowledge-gaps`)
    const group = page.locator(`[data-digest="${digestId}"] [data-group="0"]`)
    expect(await group.locator('h3').textContent()).toBe(
      'Customers asked about offline mode on desktop 7 times',
    )
    await group.locator('summary').click()
    await group.getByText('Yes, docs you opened stay available offline.').waitFor()
    await group.getByRole('button', { name: 'Draft Library article' }).click()
    const open = page
      .locator(`[data-digest="${digestId}"] [data-group="0"]`)
      .getByRole('link', { name: 'Open the draft article' })
    await open.waitFor()
    // The refreshed group keeps its questions open.
    expect(
      await page.locator(`[data-digest="${digestId}"] [data-group="0"] details`).getAttribute('open'),
    ).toBe('')
    await page.screenshot({ path: `${ARTIFACTS}/knowledge-gaps.png`, fullPage: true })
    await open.click()
    await page.waitForURL(/\/app\/settings\/library\//)
    expect(await page.locator('main').textContent()).toContain('Offline mode on desktop')
    const [digest] = await t.runtime.database.db
      .select()
      .from(knowledgeGapDigests)
      .where(eq(knowledgeGapDigests.id, digestId))
    expect(page.url()).toBe(`${origin}/app/settings/library/${digest!.groups[0]!.articleId}`)

    // The new pages fit a phone's screen.
    await page.setViewportSize({ width: 390, height: 844 })
    for (const path of [
      '/app/notifications',
      '/app/success',
      '/app/knowledge-gaps',
      `/app/contacts/${contactId}`,
    ]) {
      await page.goto(`${origin}${path}`)
      const width = await page.evaluate<number>('document.documentElement.scrollWidth')
      expect(width, path).toBeLessThanOrEqual(400)
    }
  })

  it('changes customer-success settings through the Settings forms, shows validation messages, keeps what was typed', {
    timeout: 120_000,
  }, async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
    await signIn(page)
    type Settings = {
      sla: {
        policies: Array<{ id: string; targets: Record<string, number>; warnAt: number; onBreach: unknown }>
        followUps: Record<string, unknown>
      }
      csat: { question: string; delayMinutes: number }
      churn: { alertWhatsApp: string[]; steps: unknown[] }
    }
    const settings = async () =>
      (
        (await (await page.request.get(`${origin}/v1/admin/customer-success`)).json()) as {
          settings: Settings
        }
      ).settings
    const before = await settings()
    const normal = (s: Settings) => s.sla.policies.find((p) => p.id === 'normal')!

    await page.goto(`${origin}/app/settings`)
    const sla = page.locator('#cs-sla')
    const csat = page.locator('#cs-csat')
    // Something typed in another section, not saved yet.
    await csat.getByLabel('Question').fill('How did we do? Reply 1 to 5.')

    // One SLA target changed through the policy table.
    await sla.getByLabel('First response target of Normal, minutes', { exact: true }).fill('180')
    await sla.getByRole('button', { name: 'Save SLA settings' }).click()
    await page.locator('#toast').filter({ hasText: 'SLA policies and follow-ups saved' }).waitFor()
    const changed = await settings()
    expect(normal(changed).targets).toEqual({ ...normal(before).targets, firstResponseMinutes: 180 })
    // Everything else in the section is as it was: other policies, matching, breach actions, follow-ups.
    expect(changed.sla.policies.filter((p) => p.id !== 'normal')).toEqual(
      before.sla.policies.filter((p) => p.id !== 'normal'),
    )
    expect(normal(changed).onBreach).toEqual(normal(before).onBreach)
    expect(changed.sla.followUps).toEqual(before.sla.followUps)
    // The SLA section shows the saved value; the question typed in the CSAT section is still there.
    expect(
      await sla.getByLabel('First response target of Normal, minutes', { exact: true }).inputValue(),
    ).toBe('180')
    expect(await csat.getByLabel('Question').inputValue()).toBe('How did we do? Reply 1 to 5.')

    // A bad value: the server's message next to the form, naming the field; nothing typed is lost.
    const resolution = sla.getByLabel('Resolution target of Normal, minutes', { exact: true })
    await resolution.fill('9999999')
    await sla.getByRole('button', { name: 'Save SLA settings' }).click()
    const issues = page.locator('#cs-sla-issues')
    await issues.waitFor({ state: 'visible' })
    expect(await issues.textContent()).toContain(
      'policies.2.targets.resolutionMinutes: must be at most a year',
    )
    expect(await resolution.getAttribute('aria-invalid')).toBe('true')
    expect(await resolution.inputValue()).toBe('9999999')
    expect(normal(await settings()).targets.resolutionMinutes).toBe(normal(before).targets.resolutionMinutes)
    await sla.screenshot({ path: `${ARTIFACTS}/settings-validation.png` })
    // Put right, it saves and the message goes.
    await resolution.fill('2880')
    await sla.getByRole('button', { name: 'Save SLA settings' }).click()
    await page.locator('#cs-sla-issues').waitFor({ state: 'hidden' })
    expect(normal(await settings()).targets).toMatchObject({
      firstResponseMinutes: 180,
      resolutionMinutes: 2880,
    })

    // The CSAT question typed earlier is saved with its own button.
    await csat.getByRole('button', { name: 'Save survey settings' }).click()
    await page.locator('#toast').filter({ hasText: 'Satisfaction survey (CSAT) saved' }).waitFor()
    expect((await settings()).csat).toMatchObject({
      question: 'How did we do? Reply 1 to 5.',
      delayMinutes: before.csat.delayMinutes,
    })

    // Churn: a number that is not one is refused by its position in the list, then corrected.
    const churn = page.locator('#cs-churn')
    const whatsapp = churn.getByLabel('WhatsApp alerts to (comma separated)')
    await whatsapp.fill('+44 20 7946 0958, call me')
    await churn.getByRole('button', { name: 'Save churn settings' }).click()
    await page.locator('#cs-churn-issues').filter({ hasText: 'alertWhatsApp.1:' }).waitFor()
    expect(await whatsapp.getAttribute('aria-invalid')).toBe('true')
    expect(await whatsapp.inputValue()).toBe('+44 20 7946 0958, call me')
    await whatsapp.fill('+44 20 7946 0958')
    await churn.getByRole('button', { name: 'Save churn settings' }).click()
    await page.locator('#toast').filter({ hasText: 'Churn save plays saved' }).waitFor()
    const churned = await settings()
    expect(churned.churn.alertWhatsApp).toEqual(['442079460958'])
    expect(churned.churn.steps).toEqual(before.churn.steps)

    // Advanced (JSON): the whole section; the server's message shows there too.
    await csat.getByText('Advanced (JSON)').click()
    const json = csat.getByLabel(/The whole Satisfaction survey \(CSAT\) section as JSON/)
    const stored = JSON.parse(await json.inputValue()) as Record<string, unknown>
    expect(stored).toMatchObject({ question: 'How did we do? Reply 1 to 5.' })
    await json.fill(JSON.stringify({ ...stored, delayMinutes: 'soon' }))
    await csat.getByRole('button', { name: /Save JSON/ }).click()
    await page.locator('#cs-csat-json-issues').filter({ hasText: 'delayMinutes:' }).waitFor()
    await json.fill(JSON.stringify({ ...stored, delayMinutes: 30 }))
    await csat.getByRole('button', { name: /Save JSON/ }).click()
    await page.locator('#toast').filter({ hasText: 'Satisfaction survey (CSAT) saved' }).waitFor()
    expect((await settings()).csat).toMatchObject({
      question: 'How did we do? Reply 1 to 5.',
      delayMinutes: 30,
    })
    // The section re-renders from the server after the save: wait for the form to show it.
    await expect
      .poll(() => csat.getByLabel('Delay after resolution (minutes)').inputValue(), { timeout: 10_000 })
      .toBe('30')
    await page
      .locator('#customer-success-settings')
      .screenshot({ path: `${ARTIFACTS}/settings-customer-success.png` })

    // On a phone the section widens nothing: its tables scroll sideways within it. (The page's
    // older team table is wider than a phone on its own; the section must not add to that.)
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${origin}/app/settings`)
    const width = () => page.evaluate<number>('document.documentElement.scrollWidth')
    const withSection = await width()
    await page.evaluate('document.getElementById("customer-success-settings").remove()')
    expect(withSection).toBe(await width())
  })
})
