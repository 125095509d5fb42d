// The dashboard over HTTP: sign-in and its cookie, redirects for strangers, CSRF on changes, the
// pages rendering real data through the API, and sign-out ending the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '../../testing/database.ts'
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
