// The OpenAPI 3.1 document of the REST API, served at /v1/openapi.json. Every route the app
// registers under /v1 and /webhooks must be described here (a test compares the two), so the
// document cannot silently fall behind the code.
import { API_KEY_SCOPES } from '../drizzle/schema/tenants.ts'
import { TICKET_PRIORITIES } from '../drizzle/schema/tickets.ts'

export interface OperationDoc {
  summary: string
  /** Who may call it: public, a key or session of any role, admins only, or the channel's signature. */
  access: 'public' | 'operator' | 'admin' | 'signature'
  body?: Record<string, unknown>
  query?: Record<string, string>
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
export type Operations = Record<string, Partial<Record<Method, OperationDoc>>>

const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length ? { required } : {}),
})
const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) })
const TEXT = obj({ text: str() }, ['text'])

export const OPERATIONS: Operations = {
  '/v1/auth/login': {
    post: {
      summary: 'Sign in to the dashboard: sets the session cookie, returns the CSRF token',
      access: 'public',
      body: obj({ email: str(), password: str() }, ['email', 'password']),
    },
  },
  '/v1/auth/logout': { post: { summary: 'Sign out: ends the session', access: 'public' } },
  '/v1/auth/me': { get: { summary: 'The caller: user and role, or API key', access: 'operator' } },
  '/v1/auth/invitations/{token}': {
    get: { summary: 'An open invitation (email, role, expiry)', access: 'public' },
  },
  '/v1/auth/invitations/accept': {
    post: {
      summary: 'Accept an invitation: creates the account and signs in',
      access: 'public',
      body: obj({ token: str(), name: str(), password: str('at least 10 characters') }, [
        'token',
        'name',
        'password',
      ]),
    },
  },
  '/v1/events': {
    get: {
      summary: 'Server-Sent Events: `change` whenever a conversation or ticket of the tenant changes',
      access: 'operator',
    },
  },
  '/v1/today': {
    get: {
      summary:
        "Today: what needs a person now and the overview figures (computed); SLA warnings are the open tickets whose SLA clocks (the tenant's policies) are breached or past their warning, each with its most urgent clock",
      access: 'operator',
      query: { limit: '1–100 rows per list (approval queue, escalations, SLA warnings); default 20' },
    },
  },
  '/v1/conversations': {
    get: {
      summary: 'The inbox: conversations with their ticket, filters, search, archive and per-filter counts',
      access: 'operator',
      query: {
        filter: 'all | mine | unassigned | open | in_progress | resolved | closed',
        inbox: 'new | active | expired | outgoing',
        status: 'one ticket status',
        q: 'search: name, email, phone, TKT number, message text',
        archived: 'false (default) | true | all — idle for 30 days',
        view: 'private | community',
        channel: 'widget | whatsapp | email | messenger | instagram | mentions',
        limit: '1–200',
        before: 'cursor (nextBefore)',
      },
    },
  },
  '/v1/conversations/{id}': {
    get: {
      summary: 'One conversation: thread, ticket, decision, draft, attachments, audit trail',
      access: 'operator',
    },
  },
  '/v1/tickets/{ticket}': {
    get: {
      summary: 'A ticket (TKT-10042 or UUID) with its decision, draft and audit trail',
      access: 'operator',
    },
  },
  '/v1/tickets/{ticket}/draft/approve': {
    post: { summary: "Send the agent's draft as written", access: 'operator', body: obj({ draftId: str() }) },
  },
  '/v1/tickets/{ticket}/draft/send': {
    post: {
      summary: 'Send an edited draft (becomes a training example)',
      access: 'operator',
      body: obj({ text: str(), draftId: str() }, ['text']),
    },
  },
  '/v1/tickets/{ticket}/draft/reject': {
    post: {
      summary: 'Reject the draft: the ticket waits for a person',
      access: 'operator',
      body: obj({ reason: str(), draftId: str() }),
    },
  },
  '/v1/tickets/{ticket}/take-over': {
    post: { summary: 'A person takes the conversation over from the bot', access: 'operator' },
  },
  '/v1/tickets/{ticket}/hand-back': {
    post: { summary: 'Hand the conversation back to the bot', access: 'operator' },
  },
  '/v1/tickets/{ticket}/reply': {
    post: { summary: 'Reply to the customer through their channel', access: 'operator', body: TEXT },
  },
  '/v1/tickets/{ticket}/template': {
    post: {
      summary: 'Send an approved WhatsApp template (outside the 24-hour window)',
      access: 'operator',
      body: obj({ name: str(), language: str(), parameters: { type: 'array', items: str() } }, ['name']),
    },
  },
  '/v1/tickets/{ticket}/notes': {
    post: { summary: 'Add an internal note (never sent to the customer)', access: 'operator', body: TEXT },
  },
  '/v1/tickets/{ticket}/assign': {
    post: {
      summary: 'Assign to a teammate (id or email), "me", or null',
      access: 'operator',
      body: obj({ assignee: { type: ['string', 'null'] } }, ['assignee']),
    },
  },
  '/v1/tickets/{ticket}/tags': {
    post: {
      summary: 'Add and remove tags',
      access: 'operator',
      body: obj({ add: { type: 'array', items: str() }, remove: { type: 'array', items: str() } }),
    },
  },
  '/v1/tickets/{ticket}/priority': {
    post: {
      summary: 'Set the priority',
      access: 'operator',
      body: obj({ priority: { enum: [...TICKET_PRIORITIES] } }, ['priority']),
    },
  },
  '/v1/tickets/{ticket}/status': {
    post: {
      summary: 'Change status: pending, in_progress (reopens a resolved ticket), resolved, closed',
      access: 'operator',
      body: obj({ status: { enum: ['pending', 'in_progress', 'resolved', 'closed'] }, reason: str() }, [
        'status',
      ]),
    },
  },
  '/v1/tickets/{ticket}/classification': {
    post: {
      summary: 'Correct category, intent or urgency (teaches the local model)',
      access: 'operator',
      body: obj({ category: str(), intent: str(), urgency: str() }),
    },
  },
  '/v1/tickets/{ticket}/satisfaction': {
    post: {
      summary: 'Record the CSAT answer (1–5) collected by a survey; a second answer replaces the first',
      access: 'operator',
      body: obj({ score: { type: 'integer', minimum: 1, maximum: 5 }, comment: str() }, ['score']),
    },
  },
  '/v1/tickets/{ticket}/sla': {
    get: { summary: "The ticket's SLA clocks: policy, status, due and warning times", access: 'operator' },
  },
  '/v1/product-events': {
    post: {
      summary:
        'Product events from your app (login, feature_used, seats) for health scores; one or {events: [...]}',
      access: 'operator',
      body: obj(
        {
          type: str(),
          contactId: str(),
          email: str(),
          name: str(),
          value: { type: 'number' },
          occurredAt: str(),
          id: str(),
        },
        ['type'],
      ),
    },
  },
  '/v1/customer-health/{contact}': {
    get: {
      summary: "The customer's current health score, its components and reasons, and its history",
      access: 'operator',
    },
  },
  '/v1/churn-risks': {
    get: {
      summary: 'Churn risks with their signals and save-play steps',
      access: 'operator',
      query: { status: 'open | saved | churned', contact: "one customer's risks (contact id)" },
    },
  },
  '/v1/churn-risks/{risk}/outcome': {
    post: {
      summary: "Record a save play's outcome: saved or churned",
      access: 'operator',
      body: obj({ outcome: str(), note: str() }, ['outcome']),
    },
  },
  '/v1/churn-report': {
    get: { summary: 'Churn risks opened, saved and churned, and the save rate', access: 'operator' },
  },
  '/v1/reports/csat': {
    get: {
      summary:
        'CSAT report for ?from&to (default the last 30 days): response rate, average, share of 4–5, per agent',
      access: 'operator',
    },
  },
  '/v1/knowledge-gaps/digests': {
    get: { summary: 'The latest weekly knowledge-gap digests: groups with their counts', access: 'operator' },
  },
  '/v1/knowledge-gaps/digests/{id}': {
    get: {
      summary: "One digest: each group's questions and the answers people gave",
      access: 'operator',
    },
  },
  '/v1/knowledge-gaps/digests/{id}/groups/{index}/article': {
    post: {
      summary: 'Turn a digest group into a draft Library article (kept out of answers until published)',
      access: 'operator',
    },
  },
  '/v1/knowledge-gaps/recent': {
    get: { summary: 'Gaps of the last ?days (default 7), grouped now', access: 'operator' },
  },
  '/v1/notifications': {
    get: {
      summary: "The signed-in person's notifications, newest first, and how many are unread",
      access: 'operator',
      query: { unread: 'true: only unread ones', limit: '0–100 (default 100)' },
    },
  },
  '/v1/notifications/read': {
    post: { summary: 'Mark notifications read', access: 'operator', body: obj({ ids: {} }, ['ids']) },
  },
  '/v1/notification-preferences': {
    get: { summary: 'Which notifications reach you, and how', access: 'operator' },
    put: {
      summary: 'Set your notification channels per kind, WhatsApp number and webhook',
      access: 'operator',
      body: obj({}, []),
    },
  },
  '/v1/tickets/{ticket}/assist/summary': {
    get: { summary: 'The latest AI summary of the conversation, or null', access: 'operator' },
    post: { summary: 'Write an AI summary now (409 with fewer than 5 messages)', access: 'operator' },
  },
  '/v1/tickets/{ticket}/assist/suggestions': {
    get: {
      summary: 'Smart reply suggestions from the Library, canned responses or the model; `exclude` refreshes',
      access: 'operator',
      query: { exclude: 'suggestion ids already shown', limit: '1–5' },
    },
  },
  '/v1/contacts': {
    get: {
      summary: 'Find customers by name, email, phone or identity',
      access: 'operator',
      query: { q: 'text', limit: '1–200' },
    },
  },
  '/v1/contacts/{id}': {
    get: {
      summary:
        'Customer profile: header (country, device, page), custom fields, tags, health and risk, past conversations',
      access: 'operator',
    },
    patch: {
      summary: 'Edit name, email, phone, VIP, tags and custom field values',
      access: 'operator',
      body: obj({
        name: str(),
        email: str(),
        phone: str(),
        vip: { type: 'boolean' },
        tags: { type: 'array', items: str() },
        customFields: { type: 'object' },
      }),
    },
  },
  '/v1/workspace/members': {
    get: { summary: 'Teammates with availability and open-ticket counts', access: 'operator' },
  },
  '/v1/workspace/canned-responses': {
    get: { summary: 'Canned responses (for the reply box)', access: 'operator' },
  },
  '/v1/workspace/tags': { get: { summary: 'The workspace tags', access: 'operator' } },
  '/v1/workspace/custom-fields': { get: { summary: 'Custom field definitions', access: 'operator' } },
  '/v1/workspace/queues': { get: { summary: 'Queues', access: 'operator' } },
  '/v1/workspace/me': {
    get: { summary: 'Your own profile', access: 'operator' },
    patch: {
      summary: 'Set your availability (online, away, offline) or name',
      access: 'operator',
      body: obj({ availability: { enum: ['online', 'away', 'offline'] }, name: str() }),
    },
  },
  '/v1/admin/team/members': { get: { summary: 'All members, including disabled ones', access: 'admin' } },
  '/v1/admin/team/members/{id}': {
    get: { summary: 'One member', access: 'admin' },
    patch: {
      summary:
        "Change a member's name, role, availability, expertise or capacity (the last admin stays admin)",
      access: 'admin',
      body: obj({
        name: str(),
        role: { enum: ['admin', 'agent'] },
        availability: { enum: ['online', 'away', 'offline'] },
        expertise: { type: 'array', items: str() },
        capacity: { type: 'integer' },
      }),
    },
  },
  '/v1/admin/team/members/{id}/disable': {
    post: { summary: 'Remove access (sessions end); history stays', access: 'admin' },
  },
  '/v1/admin/team/members/{id}/enable': { post: { summary: 'Restore access', access: 'admin' } },
  '/v1/admin/team/invitations': {
    get: { summary: 'Invitations and their status', access: 'admin' },
    post: {
      summary: 'Invite someone: returns the accept link once',
      access: 'admin',
      body: obj({ email: str(), role: { enum: ['admin', 'agent'] } }, ['email', 'role']),
    },
  },
  '/v1/admin/team/invitations/{id}': { delete: { summary: 'Revoke an invitation', access: 'admin' } },
  '/v1/admin/canned-responses': {
    get: { summary: 'Canned responses', access: 'admin' },
    post: {
      summary: 'Add a canned response',
      access: 'admin',
      body: obj({ shortcut: str('^[a-z0-9][a-z0-9_-]{0,31}$'), title: str(), body: str() }, [
        'shortcut',
        'title',
        'body',
      ]),
    },
  },
  '/v1/admin/canned-responses/{id}': {
    get: { summary: 'One canned response', access: 'admin' },
    patch: { summary: 'Change a canned response', access: 'admin' },
    delete: { summary: 'Delete a canned response', access: 'admin' },
  },
  '/v1/admin/tags': {
    get: { summary: 'Tags', access: 'admin' },
    post: {
      summary: 'Add a tag',
      access: 'admin',
      body: obj({ name: str(), color: str('#rrggbb') }, ['name']),
    },
  },
  '/v1/admin/tags/{id}': {
    get: { summary: 'One tag', access: 'admin' },
    patch: { summary: 'Rename or recolour a tag', access: 'admin' },
    delete: { summary: 'Delete a tag', access: 'admin' },
  },
  '/v1/admin/custom-fields': {
    get: { summary: 'Custom fields', access: 'admin' },
    post: {
      summary: 'Add a custom field',
      access: 'admin',
      body: obj(
        {
          key: str(),
          label: str(),
          type: { enum: ['text', 'number', 'boolean', 'date', 'select'] },
          options: { type: 'array', items: str() },
        },
        ['key', 'label', 'type'],
      ),
    },
  },
  '/v1/admin/custom-fields/{id}': {
    get: { summary: 'One custom field', access: 'admin' },
    patch: { summary: 'Change a custom field', access: 'admin' },
    delete: { summary: 'Delete a custom field', access: 'admin' },
  },
  '/v1/admin/queues': {
    get: { summary: 'Queues', access: 'admin' },
    post: {
      summary: 'Add a queue with its assignment strategy and members',
      access: 'admin',
      body: obj(
        {
          name: str(),
          strategy: { enum: ['round_robin', 'least_loaded', 'manual'] },
          members: { type: 'array', items: str() },
        },
        ['name'],
      ),
    },
  },
  '/v1/admin/queues/{id}': {
    get: { summary: 'One queue', access: 'admin' },
    patch: { summary: 'Change a queue', access: 'admin' },
    delete: { summary: 'Delete a queue (409 while rules use it)', access: 'admin' },
  },
  '/v1/admin/routing-rules': {
    get: { summary: 'Routing rules, in order', access: 'admin' },
    post: {
      summary:
        'Add a routing rule (conditions: languages, countries, keywords, categories, urgencies, priorities, channels, vip; actions: queue, priority, tags, expertise)',
      access: 'admin',
      body: obj(
        {
          name: str(),
          enabled: { type: 'boolean' },
          position: { type: 'integer' },
          conditions: { type: 'object' },
          actions: { type: 'object' },
        },
        ['name', 'actions'],
      ),
    },
  },
  '/v1/admin/routing-rules/{id}': {
    get: { summary: 'One routing rule', access: 'admin' },
    patch: { summary: 'Change a routing rule', access: 'admin' },
    delete: { summary: 'Delete a routing rule', access: 'admin' },
  },
  '/v1/admin/routing-rules/order': {
    post: {
      summary: 'Reorder all rules',
      access: 'admin',
      body: obj({ ids: { type: 'array', items: str() } }, ['ids']),
    },
  },
  '/v1/admin/agents/gates': {
    get: { summary: "Each agent's confidence gate (auto, review)", access: 'admin' },
    put: {
      summary: 'Set the gates per agent: { atlas: { auto, review } }',
      access: 'admin',
      body: { type: 'object' },
    },
  },
  '/v1/admin/customer-success': {
    get: {
      summary:
        'Customer-success settings in effect (SLA, CSAT, back-to-bot, health, churn, notifications, knowledge gaps) and any invalid stored section',
      access: 'admin',
    },
  },
  '/v1/admin/customer-success/{section}': {
    put: {
      summary:
        'Replace one section: sla, csat, backToBot, health, churn, notifications or knowledgeGaps, sent whole (validated; 422 with error.issues naming each field)',
      access: 'admin',
      body: { type: 'object', description: 'The whole section, as GET /v1/admin/customer-success shows it' },
    },
  },
  '/v1/admin/library/articles': {
    get: { summary: 'Library articles', access: 'admin' },
    post: {
      summary: 'Add an article (markdown with front matter)',
      access: 'admin',
      body: obj({ markdown: str() }, ['markdown']),
    },
  },
  '/v1/admin/library/articles/{ref}': {
    get: { summary: 'One article with its markdown', access: 'admin' },
    put: { summary: 'Replace an article', access: 'admin', body: obj({ markdown: str() }, ['markdown']) },
    delete: { summary: 'Delete an article', access: 'admin' },
  },
  '/v1/admin/api-keys': {
    get: {
      summary: "The workspace's API keys: name, prefix, scopes, created, last used (to the minute), revoked",
      access: 'admin',
    },
    post: {
      summary:
        'Make an API key with a name and scopes (read: GET on /v1; write: changes; admin: /v1/admin and keys). The answer holds the key, shown this once; only its hash is stored',
      access: 'admin',
      body: obj(
        {
          name: str('one line, unique among active keys'),
          scopes: { type: 'array', items: { enum: [...API_KEY_SCOPES] }, minItems: 1 },
        },
        ['name', 'scopes'],
      ),
    },
  },
  '/v1/admin/api-keys/{id}/revoke': {
    post: { summary: 'Revoke an API key: its next request gets 401', access: 'admin' },
  },
  '/v1/admin/library/import': {
    post: {
      summary: 'Import up to 200 articles at once, all or nothing',
      access: 'admin',
      body: { type: 'array', items: { type: 'string' } },
    },
  },
  '/v1/library/search': {
    get: {
      summary: 'Search the Library as the agents do',
      access: 'operator',
      query: { q: 'text', limit: '1–20' },
    },
  },
  '/v1/library/articles': {
    post: {
      summary: 'Add or replace a Library article (markdown with front matter)',
      access: 'operator',
      body: obj({ markdown: str() }, ['markdown']),
    },
  },
  '/v1/channels': {
    get: { summary: 'Channels of the tenant (configuration without secrets)', access: 'operator' },
  },
  '/v1/channels/{channel}/templates': {
    get: { summary: "A WhatsApp channel's approved templates", access: 'operator' },
    post: {
      summary: 'Register an approved template',
      access: 'operator',
      body: obj({ name: str(), language: str(), body: str() }, ['name', 'body']),
    },
  },
  '/v1/attachments/{id}': { get: { summary: 'Download an attachment (sandboxed)', access: 'operator' } },
  '/v1/widget/{widgetKey}/messages': {
    post: { summary: 'The chat widget sends a visitor message', access: 'public' },
  },
  '/v1/widget/{widgetKey}/visitors/{visitorId}/conversation': {
    get: { summary: "A returning visitor's conversation", access: 'public' },
  },
  '/v1/widget/{widgetKey}/conversations/{conversationId}': {
    get: { summary: 'The visitor conversation (messages since a cursor)', access: 'public' },
  },
  '/v1/widget/{widgetKey}/conversations/{conversationId}/events': {
    get: { summary: "Server-Sent Events for the visitor's conversation", access: 'public' },
  },
  '/webhooks/whatsapp/{channelId}': {
    get: { summary: 'WhatsApp verification handshake', access: 'signature' },
    post: { summary: 'WhatsApp Cloud API webhook (X-Hub-Signature-256)', access: 'signature' },
  },
  '/webhooks/meta/{channelId}': {
    get: { summary: 'Messenger/Instagram verification handshake', access: 'signature' },
    post: { summary: 'Messenger/Instagram webhook (X-Hub-Signature-256)', access: 'signature' },
  },
  '/webhooks/email/{channelId}': {
    post: { summary: 'Inbound email: raw MIME or Postmark JSON (Basic auth)', access: 'signature' },
  },
  '/webhooks/mentions/{channelId}': {
    post: { summary: 'Social mentions and delivery reports (X-Atlas-Signature)', access: 'signature' },
  },
}

const ERROR = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: str('machine-readable, e.g. validation_failed'),
        message: str(),
        issues: { type: 'array' },
      },
      required: ['code', 'message'],
    },
  },
}

export function openApiDocument(operations: Operations = OPERATIONS) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const [path, methods] of Object.entries(operations)) {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    paths[path] = {}
    for (const [method, op] of Object.entries(methods)) {
      paths[path][method] = {
        summary: op.summary,
        tags: [path.split('/')[2] ?? path.split('/')[1]],
        ...(op.access === 'public' || op.access === 'signature' ? { security: [] } : {}),
        ...(op.access === 'admin'
          ? {
              description:
                'Admins only: an agent-role session, or an API key without the admin scope, gets 403.',
            }
          : {}),
        parameters: [
          ...params,
          ...Object.entries(op.query ?? {}).map(([name, description]) => ({
            name,
            in: 'query',
            required: false,
            description,
            schema: { type: 'string' },
          })),
        ],
        ...(op.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } }
          : {}),
        responses: {
          '200': { description: 'OK (201 for creations, 202 for accepted messages)' },
          '4XX': { description: 'A clear error', content: { 'application/json': { schema: ERROR } } },
        },
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Atlas Desk API',
      version: '0.1.0',
      description:
        'Everything the dashboard does, over HTTP. Authenticate with `Authorization: Bearer <API key>` (the key may do what its scopes allow: `read` for GET on /v1, `write` for changes, `admin` for /v1/admin; a missing scope is 403 `forbidden` naming it; name the person with X-Atlas-Operator) or the dashboard session cookie plus the `X-CSRF-Token` header on changes. Errors are `{ "error": { code, message, issues? } }`.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'atlas_session' },
      },
    },
    security: [{ apiKey: [] }, { session: [] }],
    paths,
  }
}
