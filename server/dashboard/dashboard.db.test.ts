// The dashboard over HTTP: sign-in and its cookie, redirects for strangers, CSRF on changes, the
// pages rendering real data through the API (SLA clocks, customer health, notifications, customer
// success, knowledge gaps), escaping, and sign-out ending the session.
import { randomUUID } from 'node:crypto'
import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channels } from '../../drizzle/schema/channels.ts'
import {
  churnRisks,
  healthScores,
  knowledgeGapDigests,
  knowledgeGaps,
  savePlaySteps,
  ticketSlas,
} from '../../drizzle/schema/customer-success.ts'
import { notifications } from '../../drizzle/schema/notifications.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { testDatabaseKind } from '../../testing/database.ts'
import { createConversation, createTenant } from '../../testing/fixtures.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../../testing/runtime.ts'
import { type SignedIn, signIn, signInNewUser } from '../../testing/team.ts'

let t: TestRuntime
let admin: SignedIn

beforeAll(async () => {
  // Every answer is held for approval, so the conversation has a draft to show.
  t = await startTestRuntime({ env: { ATLAS_GATE_AUTO: '0.999', ATLAS_GATE_REVIEW: '0.05' } })
  admin = await signIn(t, 'admin@quillstack.example', 'atlas-demo-admin')
})
afterAll(async () => {
  await t?.stop()
})

async function ask(text: string) {
  const response = await t.app.request('/v1/widget/demo/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitorId: `visitor-${Math.random().toString(36).slice(2)}`, text }),
  })
  const { conversationId } = (await response.json()) as { conversationId: string }
  const view = await eventually(async () => {
    const v = (await (await t.api('GET', `/v1/conversations/${conversationId}`)).json()) as {
      ticket: { number: string; status: string }
      draft: { id: string; confidence: number } | null
    }
    return v.draft ? v : undefined
  })
  return { conversationId, ...view }
}

describe(`dashboard sign-in and pages (${testDatabaseKind})`, () => {
  it('sends strangers to the sign-in page, keeping where they were going', async () => {
    const response = await t.app.request('/app/inbox')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/app/login?next=%2Fapp%2Finbox')
    const login = await t.app.request('/app/login')
    expect(login.status).toBe(200)
    expect(await login.text()).toContain('Sign in to Atlas Desk')
  })

  it('signs in with a form: http-only SameSite cookie; a wrong password says so and sets nothing', async () => {
    const wrong = await t.app.request('/app/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=admin%40quillstack.example&password=nope&next=%2Fapp',
    })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('set-cookie')).toBeNull()
    expect(await wrong.text()).toContain('The email address or password is not right')

    const right = await t.app.request('/app/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=ADMIN%40quillstack.example&password=atlas-demo-admin&next=%2Fapp%2Finbox',
    })
    expect(right.status).toBe(303)
    expect(right.headers.get('location')).toBe('/app/inbox')
    const cookie = right.headers.get('set-cookie')!
    expect(cookie).toMatch(/^atlas_session=[\w-]{40,};/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    // Over HTTPS (behind a proxy) the cookie is also Secure.
    const https = await t.app.request('https://desk.example/app/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=admin%40quillstack.example&password=atlas-demo-admin',
    })
    expect(https.headers.get('set-cookie')).toMatch(/Secure/)
  })

  it('never redirects off the dashboard after sign-in', async () => {
    const response = await t.app.request('/app/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=admin%40quillstack.example&password=atlas-demo-admin&next=${encodeURIComponent('//evil.example/app')}`,
    })
    expect(response.headers.get('location')).toBe('/app')
  })

  it('renders a conversation with its ticket, the draft with confidence and citations, and the audit trail', async () => {
    const asked = await ask('How do I reset my password?')
    const response = await admin.call('GET', `/app/conversations/${asked.conversationId}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const page = await response.text()
    expect(page).toContain(asked.ticket.number)
    expect(page).toContain('Draft for approval')
    expect(page).toContain(`confidence ${Math.round(asked.draft!.confidence * 100)}%`)
    expect(page).toContain('How do I reset my password?')
    expect(page).toMatch(/drafted a reply for approval \(gate: review, confidence \d+%/)
    // The CSRF token the script sends is the session's.
    expect(page).toContain(`<meta name="csrf-token" content="${admin.csrfToken}">`)
  })

  it('refuses a cookie-authenticated change without the CSRF header, and writes nothing', async () => {
    const asked = await ask('Can I export my notes to PDF?')
    const before = (await (await t.api('GET', `/v1/tickets/${asked.ticket.number}`)).json()) as {
      audit: unknown[]
    }
    const forged = await admin.call(
      'POST',
      `/v1/tickets/${asked.ticket.number}/notes`,
      { text: 'x' },
      { csrf: false },
    )
    expect(forged.status).toBe(403)
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('forbidden')
    const wrong = await admin.call(
      'POST',
      `/v1/tickets/${asked.ticket.number}/notes`,
      { text: 'x' },
      { csrf: false, headers: { 'x-csrf-token': 'not-the-token' } },
    )
    expect(wrong.status).toBe(403)
    const after = (await (await t.api('GET', `/v1/tickets/${asked.ticket.number}`)).json()) as {
      audit: unknown[]
    }
    expect(after.audit.length).toBe(before.audit.length)
    // With the header it works, and the note is recorded with the person.
    const ok = await admin.call('POST', `/v1/tickets/${asked.ticket.number}/notes`, {
      text: 'Checked billing',
    })
    expect(ok.status).toBe(200)
    const view = (await (await t.api('GET', `/v1/conversations/${asked.conversationId}`)).json()) as {
      messages: Array<{ direction: string; kind: string; body: string; authorRef: string }>
      audit: Array<{ type: string; actor: { kind: string; id: string } }>
    }
    expect(view.messages.find((m) => m.kind === 'note')).toMatchObject({
      direction: 'internal',
      body: 'Checked billing',
      authorRef: admin.userId,
    })
    expect(view.audit.at(-1)).toMatchObject({ type: 'NOTE', actor: { kind: 'human', id: admin.userId } })
  })

  it('counts failed sign-ins once across the API and the sign-in form', async () => {
    const person = await signInNewUser(t, t.tenantId, 'agent')
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' }
    for (let i = 0; i < 10; i++) {
      const wrong = await t.app.request('/v1/auth/login', {
        method: 'POST',
        headers,
        body: JSON.stringify({ email: person.email, password: 'not the password' }),
      })
      expect(wrong.status).toBe(401)
    }
    // The form is locked too, even with the right password, and says so.
    const form = await t.app.request('/app/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.7' },
      body: `email=${encodeURIComponent(person.email)}&password=${encodeURIComponent('correct horse battery')}`,
    })
    expect(form.status).toBe(429)
    expect(await form.text()).toContain('Too many failed attempts')
    const api = await t.app.request('/v1/auth/login', {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: person.email, password: 'correct horse battery' }),
    })
    expect(api.status).toBe(429)
    expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('the API sign-out needs the CSRF token while the session is live', async () => {
    const person = await signIn(t, 'agent@quillstack.example', 'atlas-demo-agent')
    expect((await person.call('POST', '/v1/auth/logout', undefined, { csrf: false })).status).toBe(403)
    expect((await person.call('GET', '/v1/auth/me')).status).toBe(200)
    expect((await person.call('POST', '/v1/auth/logout')).status).toBe(200)
    expect((await person.call('GET', '/v1/auth/me')).status).toBe(401)
  })

  it('signs out: the session stops working', async () => {
    const person = await signIn(t, 'agent@quillstack.example', 'atlas-demo-agent')
    expect((await person.call('GET', '/v1/auth/me')).status).toBe(200)
    const forged = await t.app.request('/app/logout', {
      method: 'POST',
      headers: { cookie: person.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=wrong',
    })
    expect(forged.status).toBe(403)
    expect((await person.call('GET', '/v1/auth/me')).status).toBe(200)
    const out = await t.app.request('/app/logout', {
      method: 'POST',
      headers: { cookie: person.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${person.csrfToken}`,
    })
    expect(out.status).toBe(303)
    expect((await person.call('GET', '/v1/auth/me')).status).toBe(401)
    expect((await person.call('GET', '/app/inbox')).status).toBe(303)
  })

  it('streams a change event when a conversation changes', async () => {
    const response = await admin.call('GET', '/v1/events')
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let seen = ''
    const read = async (until: string) => {
      while (!seen.includes(until)) {
        const { value, done } = await reader.read()
        if (done) break
        seen += decoder.decode(value)
      }
    }
    await read('event: ready')
    await ask('Where can I see my invoices?')
    await read('event: change')
    expect(seen).toContain('event: change')
    await reader.cancel()
  })
})

describe(`dashboard pages by role (${testDatabaseKind})`, () => {
  it('an admin sees Settings with every section; an agent gets 403 and no Settings link', async () => {
    const settings = await admin.call('GET', '/app/settings')
    expect(settings.status).toBe(200)
    const text = await settings.text()
    for (const section of [
      'Team',
      'Canned responses',
      'Tags',
      'Custom fields',
      'Queues and auto-assignment',
      'Routing rules',
      'Confidence gates per agent',
      'Library',
    ]) {
      expect(text).toContain(section)
    }
    expect(text).toContain('agent@quillstack.example')
    const agent = await signIn(t, 'agent@quillstack.example', 'atlas-demo-agent')
    const refused = await agent.call('GET', '/app/settings')
    expect(refused.status).toBe(403)
    const today = await agent.call('GET', '/app')
    expect(today.status).toBe(200)
    const todayText = await today.text()
    expect(todayText).toContain('ready for approval')
    expect(todayText).not.toContain('href="/app/settings"')
  })

  it('shows the customer-success settings in effect, escaped, with any invalid stored section; admins only', async () => {
    const db = t.runtime.database.db
    const XSS = '<script>alert("x")</script>'
    const [tenant] = await db.select().from(tenants).where(eq(tenants.id, t.tenantId))
    const original = tenant!.settings
    try {
      const put = async (section: string, body: unknown) => {
        const response = await admin.call('PUT', `/v1/admin/customer-success/${section}`, body)
        expect(response.status, section).toBe(200)
      }
      await put('sla', {
        policies: [
          {
            id: 'vip',
            name: `VIP ${XSS}`,
            match: { priorities: ['urgent'], queues: ['billing'] },
            targets: { firstResponseMinutes: 15, resolutionMinutes: 240 },
            warnAt: 0.5,
            businessHours: { timezone: 'Europe/Berlin', weekly: { mon: [['09:00', '17:00']] } },
          },
          { id: 'rest', name: 'Everyone else', targets: { firstResponseMinutes: 240 } },
        ],
        followUps: { customerAfterHours: 12, autoResolveAfterHours: null, ownerAfterHours: 2 },
      })
      await put('churn', {
        competitors: ['Trello', 'Asana'],
        alertWhatsApp: ['+1 415 555-0123'],
        steps: [
          { afterHours: 0, kind: 'alert_owner' },
          { afterHours: 48, kind: 'offer', text: `Hi {name} ${XSS}` },
        ],
      })
      await put('backToBot', { enabled: false, afterMinutes: 90 })
      await put('notifications', { address: 'team@quillstack.example' })
      await put('knowledgeGaps', { digestTo: ['lead@quillstack.example', 'docs@quillstack.example'] })
      // A stored section the API would refuse (saved before it was checked) runs on its defaults.
      const [saved] = await db.select().from(tenants).where(eq(tenants.id, t.tenantId))
      await db
        .update(tenants)
        .set({ settings: { ...saved!.settings, csat: { delayMinutes: -1 } } })
        .where(eq(tenants.id, t.tenantId))
      const api = (await (await admin.call('GET', '/v1/admin/customer-success')).json()) as {
        settings: Record<string, unknown>
        invalid: Array<{ section: string }>
      }
      expect(api.invalid.map((i) => i.section)).toEqual(['csat'])

      const response = await admin.call('GET', '/app/settings')
      expect(response.status).toBe(200)
      const page = await response.text()
      const block = (name: string) => {
        const start = page.indexOf(`<div class="cs-section" id="cs-${name}"`)
        expect(start, name).toBeGreaterThan(0)
        return page.slice(start, page.indexOf('</details>', start))
      }
      const unescapeHtml = (text: string) =>
        text
          .replaceAll('&lt;', '<')
          .replaceAll('&gt;', '>')
          .replaceAll('&quot;', '"')
          .replaceAll('&#39;', "'")
          .replaceAll('&amp;', '&')
      /** The section's Advanced (JSON) editor, parsed. */
      const jsonOf = (name: string) =>
        JSON.parse(
          unescapeHtml(/<textarea id="cs-[\w]+-json"[^>]*>([\s\S]*?)<\/textarea>/.exec(block(name))![1]!),
        )

      expect(page).toContain('<h2 id="cs-settings-heading">Customer success</h2>')
      // SLA: each policy with its targets (empty: none) and warning share, how it matches, follow-ups.
      const sla = block('sla')
      expect(sla).toMatch(/name="policies\.0\.targets\.firstResponseMinutes" value="15"/)
      expect(sla).toMatch(/name="policies\.0\.targets\.nextResponseMinutes" value=""/)
      expect(sla).toMatch(/name="policies\.0\.targets\.resolutionMinutes" value="240"/)
      expect(sla).toMatch(/name="policies\.0\.warnAt" value="50"/)
      expect(sla).toMatch(/name="policies\.1\.targets\.firstResponseMinutes" value="240"/)
      expect(sla).toMatch(/name="policies\.1\.warnAt" value="75"/)
      expect(sla).toContain('priorities: urgent; queues: billing · business hours (Europe/Berlin)')
      expect(sla).toContain('every ticket · 24/7')
      expect(sla).toMatch(/name="followUps\.customerAfterHours" value="12"/)
      expect(sla).toMatch(/name="followUps\.autoResolveAfterHours" value=""/)
      expect(sla).toMatch(/name="followUps\.ownerAfterHours" value="2"/)
      expect(sla).toMatch(/aria-label="First response target of VIP &lt;script&gt;[^"]*, minutes"/)
      expect(jsonOf('sla')).toEqual(api.settings.sla)
      // CSAT: the stored value is invalid, so the defaults are shown with what was wrong.
      const csat = block('csat')
      expect(csat).toContain('data-invalid-section="csat"')
      expect(csat).toMatch(/<code>delayMinutes<\/code>: [^<]+/)
      expect(csat).toMatch(/name="enabled" checked/)
      expect(csat).toMatch(/name="delayMinutes" value="5"/)
      expect(csat).toContain('How would you rate the help you got?')
      expect(block('sla')).not.toContain('data-invalid-section')
      const backToBot = block('backToBot')
      expect(backToBot).toMatch(/name="enabled" >/)
      expect(backToBot).toMatch(/name="afterMinutes" value="90"/)
      // Churn: competitors, the WhatsApp numbers as stored, the save-play steps.
      const churn = block('churn')
      expect(churn).toContain('name="competitors" value="Trello, Asana"')
      expect(churn).toContain('name="alertWhatsApp" value="14155550123"')
      expect(churn).toMatch(/name="steps\.1\.afterHours" value="48"/)
      expect(churn).toMatch(
        /name="steps\.1\.kind"[^>]*><option value="alert_owner" >[^<]*<\/option><option value="check_in" >[^<]*<\/option><option value="offer" selected>/,
      )
      expect(churn).toContain('Hi {name} &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</textarea>')
      expect(jsonOf('churn')).toEqual(api.settings.churn)
      expect(block('notifications')).toContain('name="address" value="team@quillstack.example"')
      expect(block('knowledgeGaps')).toContain(
        'name="digestTo" value="lead@quillstack.example, docs@quillstack.example"',
      )
      expect(jsonOf('health')).toEqual(api.settings.health)
      // Every field has a name a screen reader can say; nothing the admin stored is markup.
      expect(page).not.toContain(XSS)
      for (const label of ['Question', 'Competitors (comma separated)', 'Team address', 'Weekly digest to']) {
        expect(page).toContain(`<label>${label}`)
      }

      // Agents may not see or change them, through the page or the API, and a forged form is refused.
      const agent = await signIn(t, 'agent@quillstack.example', 'atlas-demo-agent')
      const refused = await agent.call('GET', '/app/settings')
      expect(refused.status).toBe(403)
      expect(await refused.text()).not.toContain('cs-settings-heading')
      expect((await agent.call('GET', '/v1/admin/customer-success')).status).toBe(403)
      expect(
        (await agent.call('PUT', '/v1/admin/customer-success/notifications', { address: null })).status,
      ).toBe(403)
      const forged = await admin.call(
        'PUT',
        '/v1/admin/customer-success/notifications',
        { address: null },
        { csrf: false },
      )
      expect(forged.status).toBe(403)
      const after = (await (await admin.call('GET', '/v1/admin/customer-success')).json()) as {
        settings: { notifications: { address: string | null } }
      }
      expect(after.settings.notifications.address).toBe('team@quillstack.example')
    } finally {
      await db.update(tenants).set({ settings: original }).where(eq(tenants.id, t.tenantId))
    }
  })

  it('renders the inbox with filters and counts, and a customer profile', async () => {
    const asked = await ask('Do you have an API for exporting notes?')
    const inbox = await admin.call('GET', '/app/inbox?filter=open')
    expect(inbox.status).toBe(200)
    const text = await inbox.text()
    for (const tab of [
      'All',
      'My tickets',
      'Open',
      'In progress',
      'Resolved',
      'Closed',
      'New',
      'Active',
      'Expired',
      'Outgoing',
    ]) {
      expect(text).toContain(`>${tab}<`)
    }
    expect(text).toContain(asked.conversationId)
    const view = (await (await t.api('GET', `/v1/conversations/${asked.conversationId}`)).json()) as {
      conversation: { contact: { id: string } }
    }
    const profile = await admin.call('GET', `/app/contacts/${view.conversation.contact.id}`)
    expect(profile.status).toBe(200)
    const profileText = await profile.text()
    expect(profileText).toContain('Custom fields')
    expect(profileText).toContain(asked.ticket.number)
    expect((await admin.call('GET', '/app/contacts/00000000-0000-4000-8000-000000000000')).status).toBe(404)
  })
})

describe(`customer success in the dashboard (${testDatabaseKind})`, () => {
  const db = () => t.runtime.database.db
  const MIN = 60_000
  const XSS = '<script>alert("x")</script>'

  async function contactOf(conversationId: string) {
    const view = (await (await t.api('GET', `/v1/conversations/${conversationId}`)).json()) as {
      conversation: { contact: { id: string } }
      ticket: { id: string; number: string }
    }
    return { contactId: view.conversation.contact.id, ticket: view.ticket }
  }

  /** Sets a ticket's SLA clocks as the SLA engine would keep them. */
  async function setClock(ticketId: string, clock: Partial<typeof ticketSlas.$inferInsert>) {
    const row = {
      ticketId,
      tenantId: t.tenantId,
      metric: 'firstResponse' as const,
      policyId: 'normal',
      policyName: 'Normal',
      targetSeconds: 4 * 3600,
      warnShare: 0.75,
      status: 'running' as const,
      startedAt: new Date(Date.now() - 60 * MIN),
      runningSince: new Date(Date.now() - 60 * MIN),
      token: 1,
      ...clock,
    }
    await db()
      .insert(ticketSlas)
      .values(row)
      .onConflictDoUpdate({ target: [ticketSlas.ticketId, ticketSlas.metric], set: row })
  }

  it('shows every SLA clock of a ticket and the most urgent one in the inbox, sorted on request', async () => {
    const late = await ask('My sync stopped working and I need it fixed today')
    const calm = await ask('Is there a keyboard shortcut for bold text?')
    const lateTicket = (await contactOf(late.conversationId)).ticket
    const calmTicket = (await contactOf(calm.conversationId)).ticket
    const now = Date.now()
    await db()
      .delete(ticketSlas)
      .where(inArray(ticketSlas.ticketId, [lateTicket.id, calmTicket.id]))
    await setClock(lateTicket.id, {
      metric: 'firstResponse',
      status: 'breached',
      dueAt: new Date(now - 5 * MIN),
      warnedAt: new Date(now - 35 * MIN),
      breachedAt: new Date(now - 5 * MIN),
    })
    await setClock(lateTicket.id, {
      metric: 'resolution',
      targetSeconds: 24 * 3600,
      dueAt: new Date(now + 3 * 3600_000),
      warnAt: new Date(now + 3600_000),
    })
    await setClock(lateTicket.id, {
      metric: 'nextResponse',
      status: 'paused',
      runningSince: null,
      usedSeconds: 600,
      targetSeconds: 8 * 3600,
    })
    await setClock(calmTicket.id, {
      metric: 'firstResponse',
      dueAt: new Date(now + 12 * MIN + 20_000),
      warnAt: new Date(now - MIN),
      warnedAt: new Date(now - MIN),
    })

    // The API's inbox rows carry the clock to watch.
    const list = (await (await t.api('GET', '/v1/conversations?limit=100')).json()) as {
      conversations: Array<{ id: string; ticket: { sla: { metric: string; status: string } | null } | null }>
    }
    const rowOf = (id: string) => list.conversations.find((c) => c.id === id)!
    expect(rowOf(late.conversationId).ticket!.sla).toMatchObject({
      metric: 'firstResponse',
      status: 'breached',
    })
    expect(rowOf(calm.conversationId).ticket!.sla).toMatchObject({
      metric: 'firstResponse',
      status: 'running',
    })

    // The conversation page: every clock with its state, due time and warning.
    const page = await (await admin.call('GET', `/app/conversations/${late.conversationId}`)).text()
    const panel = page.slice(page.indexOf('id="sla-panel"'))
    expect(panel).toContain('Normal policy')
    expect(panel).toMatch(
      /data-metric="firstResponse" data-status="breached">[\s\S]*?breached[\s\S]*?5 min ago/,
    )
    expect(panel).toMatch(/data-metric="nextResponse" data-status="paused">[\s\S]*?7 h 50 min of 8 h left/)
    expect(panel).toMatch(
      /data-metric="resolution" data-status="running">[\s\S]*?due <time[^>]*data-relative[^>]*>in (2 h 59 min|3 h)</,
    )
    expect(panel).toMatch(/data-metric="resolution"[\s\S]*?warning <time[^>]*>in (59 min|1 h)</)
    // The title says what is most urgent.
    expect(page).toMatch(/id="conversation-title"[\s\S]*?data-sla="breached"[\s\S]*?First response breached/)

    // The inbox: a badge on each row, and "SLA due first" puts the breach, then the nearest due, on top.
    const inbox = await (await admin.call('GET', '/app/inbox')).text()
    const rowHtml = (id: string, text: string) =>
      text.slice(text.indexOf(`data-conversation="${id}"`)).split('</li>')[0]!
    expect(rowHtml(late.conversationId, inbox)).toMatch(/data-sla="breached"[^>]*>⚠ First response breached/)
    expect(rowHtml(calm.conversationId, inbox)).toMatch(
      /data-sla="warn"[^>]*>⚠ First response due <time[^>]*>in 1[23] min</,
    )
    expect(inbox).toContain('SLA due first')
    const sorted = await (await admin.call('GET', '/app/inbox?sort=sla')).text()
    const order = [...sorted.matchAll(/data-conversation="([\w-]+)"/g)].map((m) => m[1])
    expect(order.indexOf(late.conversationId)).toBe(0)
    expect(order.indexOf(calm.conversationId)).toBe(1)
    expect(sorted).toMatch(/aria-current="true">SLA due first/)

    // Today: the same clocks. Both tickets are SLA warnings, the breach first, each badged as in the
    // inbox with its policy and due time; the figure counts them.
    const todayView = (await (await t.api('GET', '/v1/today')).json()) as {
      needsHuman: { slaWarnings: number }
      slaWarnings: Array<{ number: string; breached: boolean; sla: { metric: string; dueAt: string } }>
    }
    expect(todayView.needsHuman.slaWarnings).toBe(2)
    expect(todayView.slaWarnings.map((w) => [w.number, w.sla.metric, w.breached])).toEqual([
      [lateTicket.number, 'firstResponse', true],
      [calmTicket.number, 'firstResponse', false],
    ])
    const lateClocks = (await (await t.api('GET', `/v1/tickets/${lateTicket.number}/sla`)).json()) as {
      clocks: Array<{ metric: string; dueAt: string }>
    }
    expect(todayView.slaWarnings[0]!.sla.dueAt).toBe(
      lateClocks.clocks.find((c) => c.metric === 'firstResponse')!.dueAt,
    )
    const today = await (await admin.call('GET', '/app')).text()
    expect(today).toMatch(/data-figure="sla-warnings"><div class="figure">2<\/div><div>SLA warnings/)
    const warnings = today.slice(today.indexOf('id="sla-warnings-heading"'))
    expect([...warnings.matchAll(/data-sla-warning="(TKT-\d+)"/g)].map((m) => m[1])).toEqual([
      lateTicket.number,
      calmTicket.number,
    ])
    const warningHtml = (number: string) =>
      warnings.slice(warnings.indexOf(`data-sla-warning="${number}"`)).split('</li>')[0]!
    const dueAt = (minutes: number) =>
      new Date(now + minutes * MIN).toISOString().replace('T', ' ').slice(0, 16)
    expect(warningHtml(lateTicket.number)).toMatch(
      /data-breached="true"[\s\S]*data-sla="breached"[^>]*>⚠ First response breached <time[^>]*>5 min ago</,
    )
    expect(warningHtml(lateTicket.number)).toContain(`Normal policy · due ${dueAt(-5)} UTC`)
    expect(warningHtml(calmTicket.number)).toMatch(
      /data-breached="false"[\s\S]*data-sla="warn"[^>]*>⚠ First response due <time[^>]*>in 1[23] min</,
    )
    expect(warningHtml(calmTicket.number)).toContain('Normal policy · due ')
  })

  it("shows a customer's health: score, risk, components with reasons, history and open churn risks", async () => {
    // A customer with a conversation but no ticket: the health job leaves their scores to the test.
    const [channel] = await db().select().from(channels).where(eq(channels.tenantId, t.tenantId)).limit(1)
    const { contact } = await createConversation(db(), t.tenantId, channel!.id)
    const contactId = contact.id
    const day = 86_400_000
    const scores = [82, 64, 38]
    for (const [i, score] of scores.entries()) {
      await db()
        .insert(healthScores)
        .values({
          tenantId: t.tenantId,
          contactId,
          score,
          risk: score >= 70 ? 'low' : score >= 50 ? 'medium' : 'high',
          components: { engagement: 30 + i, support: 20, adoption: 55, sentiment: 45 },
          reasons: {
            engagement: 'Logged in twice in 30 days',
            support: `3 tickets in 30 days ${XSS}`,
            adoption: 'Uses 2 of 5 key features',
            sentiment: 'Mixed satisfaction',
          },
          computedAt: new Date(Date.now() - (scores.length - i) * day),
        })
    }
    const [risk] = await db()
      .insert(churnRisks)
      .values({
        tenantId: t.tenantId,
        contactId,
        signals: [
          {
            kind: 'cancellation_intent',
            evidence: `said "cancel" ${XSS}`,
            strength: 0.9,
            at: new Date().toISOString(),
          },
        ],
        healthScore: 38,
      })
      .returning()
    await db()
      .insert(savePlaySteps)
      .values([
        {
          tenantId: t.tenantId,
          riskId: risk!.id,
          ordinal: 0,
          kind: 'alert_owner',
          dueAt: new Date(),
          status: 'done',
          doneAt: new Date(),
        },
        {
          tenantId: t.tenantId,
          riskId: risk!.id,
          ordinal: 1,
          kind: 'check_in',
          text: 'Hi, checking in about the export.',
          dueAt: new Date(Date.now() + day),
        },
      ])

    // The API lists one customer's risks on request.
    const theirs = (await (await t.api('GET', `/v1/churn-risks?contact=${contactId}`)).json()) as {
      risks: Array<{ id: string }>
    }
    expect(theirs.risks.map((r) => r.id)).toEqual([risk!.id])
    expect((await t.api('GET', '/v1/churn-risks?contact=nope')).status).toBe(400)

    const response = await admin.call('GET', `/app/contacts/${contactId}`)
    expect(response.status).toBe(200)
    const page = await response.text()
    const health = page.slice(page.indexOf('id="health"'), page.indexOf('id="churn-risks"'))
    expect(health).toMatch(/data-field="health-score"><span class="figure">38</)
    expect(health).toContain('High risk')
    for (const name of ['Engagement', 'Support', 'Adoption', 'Sentiment'])
      expect(health).toContain(`>${name}</th>`)
    expect(health).toMatch(/data-component="engagement"[\s\S]*?value="32"[\s\S]*?Logged in twice in 30 days/)
    // The history: an inline SVG line (no external asset) and a table.
    expect(health).toMatch(
      /<svg class="sparkline" role="img" aria-label="Health score over the last 3 computations, from 82 on [\d-]+ to 38/,
    )
    expect(health).toContain('Score history (3)')
    // The customer's open churn risk, its signals and save play, and the outcome buttons.
    const risks = page.slice(page.indexOf('id="churn-risks"'))
    expect(risks).toContain(`data-risk="${risk!.id}"`)
    expect(risks).toContain('Talked about cancelling')
    expect(risks).toContain('Check in with the customer')
    expect(risks).toMatch(/data-step-status="scheduled">[\s\S]*?due <time/)
    expect(risks).toContain(`data-api="POST /v1/churn-risks/${risk!.id}/outcome"`)
    expect(page).toContain('at risk of churning')
    // Everything from the data is escaped.
    expect(page).not.toContain(XSS)
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')

    // A customer without scores or risks says so.
    const other = await createConversation(db(), t.tenantId, channel!.id)
    const plain = await (await admin.call('GET', `/app/contacts/${other.contact.id}`)).text()
    expect(plain).toContain('No health score yet')
    expect(plain).toContain('No open churn risk for this customer')
  })

  it('shows the unread count on every page, lists notifications with safe links, marks them read, and saves preferences', async () => {
    const person = await signInNewUser(t, t.tenantId, 'agent', 'Nia Notified')
    const make = (n: Partial<typeof notifications.$inferInsert>) =>
      db()
        .insert(notifications)
        .values({
          tenantId: t.tenantId,
          userId: person.userId,
          kind: 'sla_breach',
          title: 'TKT-1 breached its first response SLA',
          body: 'Nobody answered within 4 h.',
          dedupeKey: randomUUID(),
          ...n,
        })
        .returning()
        .then((rows) => rows[0]!)
    const breach = await make({ url: 'https://desk.example/app/tickets/TKT-10001' })
    const churn = await make({
      kind: 'churn_risk',
      title: `Acme ${XSS} is at risk`,
      body: 'A save play has started.',
      url: 'javascript:alert(1)',
      createdAt: new Date(Date.now() - 3600_000),
    })
    await make({
      kind: 'escalation',
      title: 'Old escalation',
      readAt: new Date(),
      createdAt: new Date(Date.now() - 86_400_000),
    })
    // Someone else's notification is never shown.
    await db().insert(notifications).values({
      tenantId: t.tenantId,
      userId: admin.userId,
      kind: 'escalation',
      title: 'For the admin only',
      body: '…',
      dedupeKey: randomUUID(),
    })

    for (const path of ['/app', '/app/inbox', '/app/success', '/app/knowledge-gaps']) {
      const text = await (await person.call('GET', path)).text()
      expect(text).toMatch(/id="notifications-link"[^>]*data-unread="2" aria-label="Notifications: 2 unread"/)
      expect(text).toMatch(/<span class="unread-count" >2<\/span>/)
    }
    const api = (await (await person.call('GET', '/v1/notifications?unread=true&limit=1')).json()) as {
      unread: number
      notifications: unknown[]
    }
    expect(api.unread).toBe(2)
    expect(api.notifications).toHaveLength(1)
    expect((await person.call('GET', '/v1/notifications?limit=500')).status).toBe(400)

    const page = await (await person.call('GET', '/app/notifications')).text()
    expect(page).toContain('2 unread')
    expect(page).not.toContain('For the admin only')
    // Links stay on the dashboard: the absolute link becomes its path, a javascript: link none.
    expect(page).toContain(`<a href="/app/tickets/TKT-10001" data-read-on-open="${breach.id}">`)
    expect(page).not.toContain('javascript:')
    expect(page).not.toContain(XSS)
    expect(page).toContain('Acme &lt;script&gt;')
    expect(page).toContain(`data-body='{"ids":["${churn.id}"]}'`)
    expect(page).toContain('Mark all as read')
    const listed = [...page.matchAll(/data-notification="([\w-]+)"/g)].map((m) => m[1])
    expect(listed).toHaveLength(3)
    expect(listed[0]).toBe(breach.id)

    // Marking read needs the CSRF header, like every change.
    expect(
      (await person.call('POST', '/v1/notifications/read', { ids: [churn.id] }, { csrf: false })).status,
    ).toBe(403)
    expect((await person.call('POST', '/v1/notifications/read', { ids: [churn.id] })).status).toBe(200)
    const after = await (await person.call('GET', '/app/notifications?unread=true')).text()
    expect(after).toMatch(/data-unread="1"/)
    expect([...after.matchAll(/data-notification="([\w-]+)"/g)].map((m) => m[1])).toEqual([breach.id])

    // Preferences: the form shows the defaults, and what PUT saves comes back checked.
    const form = page.slice(page.indexOf('data-shape="notification-preferences"'))
    expect(form.match(/type="checkbox" data-kind=/g)).toHaveLength(40)
    expect(form).toMatch(/data-kind="escalation" value="email" checked/)
    expect(form).toMatch(/data-kind="new_conversation" value="email" (?!checked)/)
    const saved = await person.call('PUT', '/v1/notification-preferences', {
      kinds: { escalation: ['dashboard', 'whatsapp'], new_conversation: [] },
      whatsapp: '14155550123',
      email: null,
      webhook: { url: 'https://hooks.example/atlas', secret: 'a-long-enough-secret' },
    })
    expect(saved.status).toBe(200)
    const again = await (await person.call('GET', '/app/notifications')).text()
    expect(again).toMatch(/data-kind="escalation" value="whatsapp" checked/)
    expect(again).toMatch(/data-kind="escalation" value="email" (?!checked)/)
    expect(again).toMatch(/data-kind="new_conversation" value="dashboard" (?!checked)/)
    expect(again).toContain('name="whatsapp" value="14155550123"')
    expect(again).toContain('name="webhook.url" value="https://hooks.example/atlas"')
    expect(again).toContain(`placeholder="${person.email}"`)
  })

  it('shows churn risks with signals and save plays, records outcomes, and the churn and CSAT reports', async () => {
    const asked = await ask('Where do I change the billing email?')
    const { contactId, ticket } = await contactOf(asked.conversationId)
    await db().delete(churnRisks).where(eq(churnRisks.contactId, contactId))
    const [risk] = await db()
      .insert(churnRisks)
      .values({
        tenantId: t.tenantId,
        contactId,
        signals: [
          {
            kind: 'competitor_mention',
            evidence: 'mentioned Rivalcorp',
            strength: 0.8,
            at: new Date().toISOString(),
            ticketId: ticket.id,
          },
          { kind: 'price_complaint', evidence: 'too expensive', strength: 0.7, at: new Date().toISOString() },
        ],
        healthScore: 45,
      })
      .returning()
    await db()
      .insert(savePlaySteps)
      .values({
        tenantId: t.tenantId,
        riskId: risk!.id,
        ordinal: 0,
        kind: 'offer',
        text: 'Offer 20% off the renewal',
        dueAt: new Date(Date.now() + 2 * 86_400_000),
      })
    expect((await t.api('POST', `/v1/tickets/${ticket.number}/satisfaction`, { score: 5 })).status).toBe(201)

    const agent = await signIn(t, 'agent@quillstack.example', 'atlas-demo-agent')
    const response = await agent.call('GET', '/app/success')
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(page).toMatch(/<a href="\/app\/success" class="current" aria-current="page">Customer success<\/a>/)
    const card = page.slice(page.indexOf(`data-risk="${risk!.id}"`)).split('</article>')[0]!
    expect(card).toContain('Mentioned a competitor')
    expect(card).toContain('mentioned Rivalcorp')
    expect(card).toContain(`href="/app/tickets/${ticket.id}"`)
    expect(card).toContain('Complained about the price')
    expect(card).toMatch(
      /data-step-status="scheduled">[\s\S]*Make an offer[\s\S]*due <time[^>]*>in (1 d 23 h|2 d)</,
    )
    expect(card).toContain('Offer 20% off the renewal')
    expect(card).toMatch(/name="outcome" value="saved"/)
    expect(card).toMatch(/name="outcome" value="churned"/)

    // The reports are the API's figures.
    const csat = (await (await t.api('GET', '/v1/reports/csat')).json()) as {
      csat: number
      average: number
      byAgent: Array<{ agent: string; responses: number }>
    }
    expect(csat.byAgent.length).toBeGreaterThan(0)
    expect(page).toMatch(
      new RegExp(`data-figure="csat-share"><div class="figure">${Math.round(csat.csat * 100)}%`),
    )
    expect(page).toMatch(
      new RegExp(`data-figure="csat-average"><div class="figure">${csat.average.toFixed(2)}<`),
    )
    expect(page).toContain('response rate (')
    expect(page).toMatch(
      /<table aria-label="CSAT per agent">[\s\S]*<td>(Bot|Alex Admin|Sam Agent|Unassigned)<\/td>/,
    )

    // Recording the outcome: the risk is saved, its steps skipped, the save rate counts it.
    const before = (await (await t.api('GET', '/v1/churn-report')).json()) as {
      saved: number
      churned: number
    }
    const saved = await agent.call('POST', `/v1/churn-risks/${risk!.id}/outcome`, {
      outcome: 'saved',
      note: `Agreed a discount ${XSS}`,
    })
    expect(saved.status).toBe(200)
    const again = await agent.call('POST', `/v1/churn-risks/${risk!.id}/outcome`, { outcome: 'churned' })
    expect(again.status).toBe(409)
    const report = (await (await t.api('GET', '/v1/churn-report')).json()) as {
      saved: number
      saveRate: number
    }
    expect(report.saved).toBe(before.saved + 1)
    const open = await (await agent.call('GET', '/app/success')).text()
    expect(open).not.toContain(`data-risk="${risk!.id}"`)
    expect(open).toMatch(
      new RegExp(`data-figure="save-rate"><div class="figure">${Math.round(report.saveRate * 100)}%`),
    )
    const done = await (await agent.call('GET', '/app/success?status=saved')).text()
    const savedCard = done.slice(done.indexOf(`data-risk="${risk!.id}"`)).split('</article>')[0]!
    expect(savedCard).toContain('data-status="saved"')
    expect(savedCard).toContain('by Sam Agent')
    expect(savedCard).toContain('Agreed a discount &lt;script&gt;')
    expect(savedCard).toMatch(/data-step-status="skipped"/)
    expect(savedCard).not.toContain('name="outcome"')
  })

  it('shows knowledge gaps: this week so far, the latest digest with questions and answers, drafting an article', async () => {
    const week = 7 * 86_400_000
    const end = new Date(Date.now() - 86_400_000)
    const question = (q: string, answer: string | null, n: number) => ({
      gapId: randomUUID(),
      question: q,
      ticketId: null,
      ticketNumber: 10_000 + n,
      humanAnswer: answer,
      askedAt: new Date(end.getTime() - n * 3600_000).toISOString(),
    })
    const [older] = await db()
      .insert(knowledgeGapDigests)
      .values({
        tenantId: t.tenantId,
        periodStart: new Date(end.getTime() - 2 * week),
        periodEnd: new Date(end.getTime() - week),
        groups: [
          {
            label: 'invoices in euros',
            keywords: ['invoice', 'euro'],
            count: 3,
            questions: [],
            articleId: null,
          },
        ],
      })
      .returning()
    const [digest] = await db()
      .insert(knowledgeGapDigests)
      .values({
        tenantId: t.tenantId,
        periodStart: new Date(end.getTime() - week),
        periodEnd: end,
        groups: [
          {
            label: 'dark mode',
            keywords: ['dark', 'theme'],
            count: 12,
            questions: [
              question('Is there a dark mode?', 'Yes: Settings → Appearance → Dark.', 1),
              question('Can the editor be black?', null, 2),
            ],
            articleId: null,
          },
          {
            label: `sso ${XSS}`,
            keywords: ['sso'],
            count: 1,
            questions: [question('Do you support SAML?', `Only on Enterprise ${XSS}`, 3)],
            articleId: null,
          },
        ],
      })
      .returning()
    await db()
      .insert(knowledgeGaps)
      .values({
        tenantId: t.tenantId,
        question: 'Can I print a notebook as a booklet?',
        bestScore: 0.1,
        reason: 'low_confidence',
        idempotencyKey: `dashboard-test-${randomUUID()}`,
      })

    const agent = await signIn(t, 'agent@quillstack.example', 'atlas-demo-agent')
    const page = await (await agent.call('GET', '/app/knowledge-gaps')).text()
    expect(page).toMatch(/aria-current="page">Knowledge gaps</)
    const recent = page.slice(page.indexOf('id="recent-heading"'), page.indexOf('data-digest='))
    expect(recent).toContain('Can I print a notebook as a booklet?')
    expect(recent).not.toContain('Draft Library article')
    const latest = page.slice(page.indexOf(`data-digest="${digest!.id}"`))
    expect(latest).toContain('Latest digest')
    expect(latest).toContain('Customers asked about <q>dark mode</q> 12 times')
    expect(latest).toContain('(2 of 12)')
    expect(latest).toContain('Is there a dark mode?')
    expect(latest).toContain('Yes: Settings → Appearance → Dark.')
    expect(latest).toContain('No person has answered it yet.')
    expect(latest).toContain('<a href="/app/tickets/TKT-10001">TKT-10001</a>')
    expect(latest).toContain(
      'Customers asked about <q>sso &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</q> once',
    )
    expect(page).not.toContain(XSS)
    expect(latest).toContain(`data-api="POST /v1/knowledge-gaps/digests/${digest!.id}/groups/0/article"`)
    expect(latest).toContain(`data-api="POST /v1/knowledge-gaps/digests/${digest!.id}/groups/1/article"`)
    expect(page).toContain(`href="/app/knowledge-gaps?digest=${older!.id}"`)

    // Drafting: the group links to its draft (for an admin; an agent is told who publishes it).
    const drafted = await agent.call('POST', `/v1/knowledge-gaps/digests/${digest!.id}/groups/0/article`)
    expect(drafted.status).toBe(201)
    const { articleId } = (await drafted.json()) as { articleId: string }
    const forAgent = await (await agent.call('GET', '/app/knowledge-gaps')).text()
    expect(forAgent).toContain(`data-article="${articleId}"`)
    expect(forAgent).toContain('An admin reviews and publishes it')
    expect(forAgent).not.toContain(`groups/0/article"`)
    const forAdmin = await (await admin.call('GET', '/app/knowledge-gaps')).text()
    expect(forAdmin).toContain(
      `<a class="button" href="/app/settings/library/${articleId}">Open the draft article</a>`,
    )
    const article = await admin.call('GET', `/app/settings/library/${articleId}`)
    expect(article.status).toBe(200)
    expect(await article.text()).toContain('Dark mode')

    // An earlier digest in full; unknown and foreign digests are 404.
    const earlier = await (await agent.call('GET', `/app/knowledge-gaps?digest=${older!.id}`)).text()
    expect(earlier).toContain('Customers asked about <q>invoices in euros</q> 3 times')
    expect(earlier).toContain(`href="/app/knowledge-gaps?digest=${digest!.id}"`)
    const { tenant } = await createTenant(db())
    const [foreign] = await db()
      .insert(knowledgeGapDigests)
      .values({ tenantId: tenant.id, periodStart: new Date(0), periodEnd: new Date(week), groups: [] })
      .returning()
    expect((await agent.call('GET', `/app/knowledge-gaps?digest=${foreign!.id}`)).status).toBe(404)
    expect((await agent.call('GET', `/app/knowledge-gaps?digest=${randomUUID()}`)).status).toBe(404)
    expect((await agent.call('GET', '/app/knowledge-gaps?digest=nope')).status).toBe(404)
  })

  it('asks strangers to sign in for the new pages', async () => {
    for (const path of ['/app/notifications', '/app/success', '/app/knowledge-gaps']) {
      const response = await t.app.request(path)
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe(`/app/login?next=${encodeURIComponent(path)}`)
    }
  })
})
