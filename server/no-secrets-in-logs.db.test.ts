// No secret ever reaches a log line. The runtime logs at its most verbose level into a captured
// stream while realistic flows run — sign-in with a password (right and wrong), API calls with a
// Bearer key and with the session cookie and CSRF header, webhooks with their signature, Basic auth
// and verify token, replies sent with an access token, refused for a bad token, failing once and
// retried, an SMTP send whose password the server refuses, an API key made, a channel whose secret
// cannot be decrypted — then every line is searched for every secret, in the forms it travels in.
import { randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MENTIONS_SIGNATURE_HEADER } from '../adapters/mentions/verify.ts'
import { IG_ACCOUNT_ID, PAGE_ID } from '../adapters/meta/test-fixtures.ts'
import { envelope } from '../adapters/whatsapp/test-fixtures.ts'
import { createLogger } from '../common/logger.ts'
import { generateSecretKey } from '../common/secret-box.ts'
import { channels } from '../drizzle/schema/channels.ts'
import { messages } from '../drizzle/schema/conversations.ts'
import { type FakeGraphApi, startFakeGraphApi } from '../testing/fake-graph-api.ts'
import { type FakeSmtp, startFakeSmtp } from '../testing/fake-smtp.ts'
import { eventually, startTestRuntime, type TestRuntime } from '../testing/runtime.ts'
import { type SignedIn, signIn } from '../testing/team.ts'
import { postSigned } from '../testing/webhooks.ts'

const unique = (label: string) => `${label}-${randomUUID().replaceAll('-', '')}`

const SECRET_KEY = generateSecretKey()
const APP_SECRET = unique('app-secret')
const VERIFY_TOKEN = unique('verify-token')
const WHATSAPP_TOKEN = unique('EAAGwhatsapp')
/** Not the token the fake Graph accepts: Messenger and Instagram sends are refused (code 190). */
const PAGE_TOKEN = unique('EAAGpage')
const EMAIL_WEBHOOK_SECRET = unique('email-webhook-secret')
const SMTP_PASSWORD = unique('smtp-password')
const MENTIONS_SECRET = unique('mentions-secret')
const ADMIN_PASSWORD = unique('admin-password')
const WRONG_PASSWORD = unique('wrong-password')
const WRONG_API_KEY = `atlas_${unique('wrong')}`

let graph: FakeGraphApi
let smtp: FakeSmtp
let t: TestRuntime
let admin: SignedIn
const lines: string[] = []
/** Secrets only known once the flows ran: the session cookie, its CSRF token, a created API key. */
const issued: string[] = []

beforeAll(async () => {
  graph = await startFakeGraphApi(WHATSAPP_TOKEN)
  // The server wants another password than the channel's: every SMTP send fails at AUTH.
  smtp = await startFakeSmtp({ auth: { user: 'mailer', pass: unique('the-right-one') } })
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  t = await startTestRuntime({
    logger: createLogger({ level: 'trace', destination: stream }),
    env: {
      ATLAS_SECRET_KEY: SECRET_KEY,
      ATLAS_DEMO_META_APP_SECRET: APP_SECRET,
      ATLAS_DEMO_META_VERIFY_TOKEN: VERIFY_TOKEN,
      ATLAS_DEMO_GRAPH_BASE: graph.url,
      ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN: WHATSAPP_TOKEN,
      ATLAS_DEMO_PAGE_ACCESS_TOKEN: PAGE_TOKEN,
      ATLAS_DEMO_EMAIL_WEBHOOK_SECRET: EMAIL_WEBHOOK_SECRET,
      ATLAS_DEMO_SMTP_URL: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}`,
      ATLAS_DEMO_MENTIONS_SECRET: MENTIONS_SECRET,
      ATLAS_DEMO_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
  })
})
afterAll(async () => {
  await t?.stop()
  await graph?.close()
  await smtp?.close()
})

/** The outbound messages of a channel, once none is still queued. */
async function settledOutbound(channelKey: string, atLeast: number) {
  return eventually(
    async () => {
      const rows = await t.runtime.database.db
        .select({ status: messages.deliveryStatus, error: messages.deliveryError })
        .from(messages)
        .innerJoin(channels, eq(channels.id, messages.channelId))
        .where(and(eq(channels.key, channelKey), eq(messages.direction, 'outbound')))
      return rows.length >= atLeast && rows.every((r) => r.status !== 'queued') ? rows : undefined
    },
    45_000,
    `the replies on ${channelKey} to settle`,
  )
}

describe('no secret in any log line', () => {
  it('sign-in with a password, right and wrong', async () => {
    const wrong = await t.app.request('/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@quillstack.example', password: WRONG_PASSWORD }),
    })
    expect(wrong.status).toBe(401)
    admin = await signIn(t, 'admin@quillstack.example', ADMIN_PASSWORD)
    issued.push(admin.cookie.split('=')[1]!, admin.csrfToken)
  })

  it('API calls with a Bearer key, a wrong key, and the session cookie with its CSRF header', async () => {
    expect((await t.api('GET', '/v1/conversations')).status).toBe(200)
    expect(
      (await t.api('GET', '/v1/today', undefined, { authorization: `Bearer ${WRONG_API_KEY}` })).status,
    ).toBe(401)
    expect((await admin.call('POST', '/v1/admin/tags', { name: unique('tag').slice(0, 30) })).status).toBe(
      201,
    )
    const created = await admin.call('POST', '/v1/admin/api-keys', { name: 'log test', scopes: ['read'] })
    expect(created.status).toBe(201)
    const { key } = (await created.json()) as { key: string }
    issued.push(key)
    // Refused for its scope: a 403 with the key in the header.
    const refused = await t.app.request('/v1/admin/tags', { headers: { authorization: `Bearer ${key}` } })
    expect(refused.status).toBe(403)
  })

  it('webhooks: WhatsApp (signed, one send failing once then sent), Messenger and Instagram (sends refused)', async () => {
    const handshake = await t.app.request(
      `/webhooks/whatsapp/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=77`,
    )
    expect(await handshake.text()).toBe('77')
    // The first send meets a 503 (retried), the next ones go through.
    graph.enqueue({ status: 503, json: { error: { message: 'Service temporarily unavailable', code: 2 } } })
    const whatsapp = envelope({
      messages: [
        {
          from: '15550009999',
          id: `wamid.log.${randomUUID()}`,
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: 'How do I reset my password?' },
        },
      ],
    })
    expect((await postSigned(t, '/webhooks/whatsapp/whatsapp', whatsapp, APP_SECRET)).status).toBe(200)
    expect((await postSigned(t, '/webhooks/whatsapp/whatsapp', whatsapp, 'forged')).status).toBe(401)

    for (const [kind, object, account] of [
      ['messenger', 'page', PAGE_ID],
      ['instagram', 'instagram', IG_ACCOUNT_ID],
    ] as const) {
      const mid = `m_log_${randomUUID()}`
      const body = {
        object,
        entry: [
          {
            id: account,
            time: Date.now(),
            messaging: [
              {
                sender: { id: kind === 'messenger' ? '24680135791113' : '13579246801012' },
                recipient: { id: account },
                timestamp: Date.now(),
                message: { mid, text: 'How do I reset my password?' },
              },
            ],
          },
        ],
      }
      expect((await postSigned(t, `/webhooks/meta/${kind}`, body, APP_SECRET)).status).toBe(200)
    }

    expect((await settledOutbound('whatsapp', 1)).some((m) => m.status === 'sent')).toBe(true)
    for (const kind of ['messenger', 'instagram']) {
      const replies = await settledOutbound(kind, 1)
      expect(replies.every((m) => m.status === 'failed' && m.error?.includes('access token'))).toBe(true)
    }
    // The token went out in the Send API's query string, as Messenger wants it.
    expect(graph.requests.some((r) => r.query.access_token === PAGE_TOKEN)).toBe(true)
  })

  it('email: a webhook with Basic auth, and a reply the SMTP server refuses at login', async () => {
    const raw = [
      'From: Dana <dana@customer.example>',
      'To: Quillstack Support <support@quillstack.example>',
      'Subject: Password reset',
      `Message-ID: <${randomUUID()}@customer.example>`,
      'Content-Type: text/plain; charset="UTF-8"',
      '',
      'How do I reset my password?',
      '',
    ].join('\r\n')
    const post = (secret: string) =>
      t.app.request('/webhooks/email/email', {
        method: 'POST',
        headers: {
          'content-type': 'message/rfc822',
          authorization: `Basic ${Buffer.from(`inbound:${secret}`).toString('base64')}`,
        },
        body: raw,
      })
    expect((await post(EMAIL_WEBHOOK_SECRET)).status).toBe(200)
    expect((await post(`${EMAIL_WEBHOOK_SECRET}x`)).status).toBe(401)
    const email = await settledOutbound('email', 1)
    expect(email.every((m) => m.status === 'failed')).toBe(true)
    expect(email[0]!.error).toContain('SMTP')
  })

  it('mentions: a signed post', async () => {
    const id = `${Date.now()}`
    const body = {
      source: 'twitter',
      id,
      url: `https://x.com/sam/status/${id}`,
      author: { handle: '@sam', name: 'Sam' },
      text: '@quillstack how do I reset my password?',
      postedAt: new Date().toISOString(),
    }
    expect(
      (await postSigned(t, '/webhooks/mentions/mentions', body, MENTIONS_SECRET, MENTIONS_SIGNATURE_HEADER))
        .status,
    ).toBe(200)
  })

  it('a channel whose secret cannot be decrypted fails its webhook, and the failure is logged without it', async () => {
    const db = t.runtime.database.db
    const [whatsapp] = await db.select().from(channels).where(eq(channels.key, 'whatsapp'))
    const [messenger] = await db.select().from(channels).where(eq(channels.key, 'messenger'))
    await db
      .update(channels)
      .set({ config: { ...messenger!.config, appSecret: whatsapp!.config.appSecret } })
      .where(eq(channels.id, messenger!.id))
    const response = await postSigned(
      t,
      '/webhooks/meta/messenger',
      { object: 'page', entry: [] },
      APP_SECRET,
    )
    expect(response.status).toBe(500)
    await db.update(channels).set({ config: messenger!.config }).where(eq(channels.id, messenger!.id))
  })

  it('none of the secrets appears in any log line, in any form it travels in', async () => {
    // The flows above did log: failures, retries, the key made, the request that failed.
    const joined = lines.join('\n')
    expect(joined).toContain('delivery failed for good')
    expect(joined).toContain('job failed; will retry')
    expect(joined).toContain('API key created')
    expect(joined).toContain('request failed')
    expect(joined).toContain('The SMTP server refused our login')

    const secrets = [
      SECRET_KEY,
      APP_SECRET,
      VERIFY_TOKEN,
      WHATSAPP_TOKEN,
      PAGE_TOKEN,
      EMAIL_WEBHOOK_SECRET,
      SMTP_PASSWORD,
      MENTIONS_SECRET,
      ADMIN_PASSWORD,
      WRONG_PASSWORD,
      WRONG_API_KEY,
      t.apiKey,
      ...issued,
    ]
    expect(issued).toHaveLength(3)
    const forms = (secret: string) => [
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
      JSON.stringify(secret).slice(1, -1),
    ]
    const basic = (secret: string) => Buffer.from(`inbound:${secret}`).toString('base64')
    const leaks: string[] = []
    for (const line of lines) {
      for (const secret of secrets) {
        if (forms(secret).some((form) => line.includes(form)) || line.includes(basic(secret))) {
          leaks.push(`${secret.slice(0, 12)}… in: ${line.slice(0, 300)}`)
        }
      }
    }
    expect(leaks).toEqual([])
  })
})
