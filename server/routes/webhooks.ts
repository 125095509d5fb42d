// Provider webhooks, all the same shape: find the channel named in the URL, verify the request with
// that channel's secret before reading it as anything, parse it with the channel's adapter, store
// attachment bytes, ingest each message (one transaction each, idempotent by provider id), apply
// delivery reports, and answer 200 at once — the agent works in a job. Anything wrong with the
// request is a 4xx that says what, and nothing is stored.
import { eq } from 'drizzle-orm'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { verifyBasicSecret } from '../../adapters/email/verify.ts'
import { adapterFor, type ChannelKind, configSchemaFor } from '../../adapters/index.ts'
import { MENTIONS_SIGNATURE_HEADER } from '../../adapters/mentions/verify.ts'
import { type RawBodyVariables, verifyHmacSignature } from '../../adapters/shared/hmac-signature.ts'
import { verifySubscription } from '../../adapters/shared/subscription.ts'
import type { ParseContext } from '../../adapters/types.ts'
import { WHATSAPP_SIGNATURE_HEADER } from '../../adapters/whatsapp/verify.ts'
import { AtlasError } from '../../common/errors.ts'
import { parseInput, storableText } from '../../common/validation.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { withTenant } from '../../drizzle/tenant-scope.ts'
import { openChannelConfig } from '../channels/channel-config.ts'
import { applyDeliveryUpdates, applyWatermarks } from '../delivery-updates.ts'
import { limitBody, param } from '../http/body.ts'
import { assertAttachmentSizes, storeInboundAttachments } from '../inbound-attachments.ts'
import { ingestMessage } from '../ingest.ts'
import type { Runtime } from '../runtime.ts'

const ChannelKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a channel id')

/** Chat payloads are small (Meta batches stay well under 1 MB); email carries attachments, base64-encoded. */
const BODY_LIMITS = {
  whatsapp: 3 * 1024 * 1024,
  meta: 3 * 1024 * 1024,
  // Postmark's inbound limit is 35 MB including attachments; one 10 MB file is ~13.7 MB in base64.
  email: 36 * 1024 * 1024,
  mentions: 5 * 1024 * 1024,
} as const

interface WebhookChannel {
  id: string
  tenantId: string
  kind: ChannelKind
  key: string
  config: Record<string, unknown>
}

type Env = { Variables: RawBodyVariables & { channel: WebhookChannel } }

type WebhookRuntime = Pick<
  Runtime,
  'database' | 'jobs' | 'host' | 'events' | 'storage' | 'logger' | 'secretBox'
>

export function webhookRoutes(runtime: WebhookRuntime) {
  const app = new Hono<Env>()
  const channel = (kinds: readonly ChannelKind[]) => channelMiddleware(runtime, kinds)
  const secret = (name: string) => (c: Context<Env>) => {
    const value = c.get('channel').config[name]
    return typeof value === 'string' ? value : undefined
  }
  const subscription = (c: Context<Env>) =>
    c.text(verifySubscription(c.req.query(), String(c.get('channel').config.verifyToken ?? '')))

  // WhatsApp Cloud API.
  app.get('/whatsapp/:channelId', channel(['whatsapp']), subscription)
  app.post(
    '/whatsapp/:channelId',
    limitBody(BODY_LIMITS.whatsapp),
    channel(['whatsapp']),
    verifyHmacSignature({ header: WHATSAPP_SIGNATURE_HEADER, secret: secret('appSecret') }),
    (c) => receive(runtime, c, c.get('rawBody')),
  )

  // Messenger and Instagram: one route, the channel says which.
  app.get('/meta/:channelId', channel(['messenger', 'instagram']), subscription)
  app.post(
    '/meta/:channelId',
    limitBody(BODY_LIMITS.meta),
    channel(['messenger', 'instagram']),
    verifyHmacSignature({ header: WHATSAPP_SIGNATURE_HEADER, secret: secret('appSecret') }),
    (c) => receive(runtime, c, c.get('rawBody')),
  )

  // Email: raw MIME (message/rfc822) or Postmark's inbound JSON, authenticated with HTTP Basic.
  app.post(
    '/email/:channelId',
    limitBody(BODY_LIMITS.email),
    channel(['email']),
    verifyBasicSecret({ secret: secret('webhookSecret') }),
    async (c) => {
      const bytes = new Uint8Array(await c.req.arrayBuffer())
      if (bytes.byteLength === 0) throw new AtlasError('bad_request', 'The request body is empty')
      return receive(runtime, c, bytes, { contentType: c.req.header('content-type') })
    },
  )

  // Public posts that mention the brand (adapters/mentions/README.md).
  app.post(
    '/mentions/:channelId',
    limitBody(BODY_LIMITS.mentions),
    channel(['mentions']),
    verifyHmacSignature({ header: MENTIONS_SIGNATURE_HEADER, secret: secret('webhookSecret') }),
    (c) => receive(runtime, c, c.get('rawBody')),
  )

  return app
}

/** Loads the channel named in the URL; a wrong id or kind is a 404, a broken config our 500. */
function channelMiddleware(runtime: WebhookRuntime, kinds: readonly ChannelKind[]): MiddlewareHandler<Env> {
  return async (c, next) => {
    const key = param(c, 'channelId', ChannelKey)
    const [row] = await runtime.database.db.select().from(channels).where(eq(channels.key, key))
    if (!row || !kinds.includes(row.kind)) {
      throw new AtlasError('not_found', `No ${kinds.join(' or ')} channel "${key}"`)
    }
    const schema = configSchemaFor(row.kind)
    // Checked on every request: a channel edited into a bad state says so rather than half-working.
    const opened = openChannelConfig(runtime.secretBox, row)
    const config = schema
      ? (parseInput(schema, opened, `channel "${key}" config`, 'config_invalid') as Record<string, unknown>)
      : opened
    c.set('channel', { id: row.id, tenantId: row.tenantId, kind: row.kind, key: row.key, config })
    // From here the request acts for the channel's tenant, under row-level security.
    await withTenant(row.tenantId, next)
  }
}

async function receive(
  runtime: WebhookRuntime,
  c: Context<Env>,
  payload: string | Uint8Array,
  context: ParseContext = {},
): Promise<Response> {
  const channel = c.get('channel')
  const adapter = adapterFor(channel.kind)
  if (!adapter) throw new AtlasError('not_found', `Channel "${channel.key}" cannot receive webhooks`)
  // Text PostgreSQL cannot store (NUL, lone surrogates) is cleaned: better than losing the message.
  const parsed = storableText(await adapter.parse(payload, context))
  assertAttachmentSizes(parsed.messages)

  let duplicates = 0
  const conversations = new Set<string>()
  for (const message of parsed.messages) {
    const stored = await storeInboundAttachments(runtime.storage, message)
    const result = await ingestMessage(runtime.database, runtime.jobs.outbox, channel, message, stored)
    if (result.duplicate) duplicates++
    conversations.add(result.conversationId)
  }
  const { applied, unknown } = await applyDeliveryUpdates(
    runtime.database,
    runtime.host,
    channel.id,
    parsed.statuses,
  )
  const watermarked = parsed.watermarks?.length
    ? await applyWatermarks(runtime.database, channel.id, parsed.watermarks)
    : 0
  for (const id of conversations) runtime.events.publish(id)
  runtime.logger.debug(
    { channel: channel.key, messages: parsed.messages.length, duplicates, statuses: applied },
    'webhook received',
  )
  return c.json({
    received: parsed.messages.length - duplicates,
    duplicates,
    statuses: { applied: applied + watermarked, unknown },
    ignored: parsed.ignored,
  })
}
