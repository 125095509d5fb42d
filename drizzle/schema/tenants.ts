// Tenants (the companies using Atlas Desk) and the API keys their developers and operators use.
import { sql } from 'drizzle-orm'
import { check, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.ts'

export interface TenantSettings {
  timeZone?: string
  /** Overrides of the confidence gate for this tenant's agents. */
  gate?: { auto?: number; review?: number; minMargin?: number }
  /** Confidence gate per agent: { atlas: { auto, review } } (validated when read; see server/tenant-settings.ts). */
  agentGates?: unknown
  /** Model provider per agent: { default: 'local', agents: { loot: 'openai' } } (see agents/providers.ts). */
  models?: unknown
  // Customer success, each validated when read (server/customer-success/settings.ts): SLA policies and
  // follow-ups, the satisfaction survey, health weights, churn save plays, notifications, back-to-bot.
  sla?: unknown
  csat?: unknown
  health?: unknown
  churn?: unknown
  notifications?: unknown
  knowledgeGaps?: unknown
  backToBot?: unknown
}

export const tenants = pgTable('tenants', {
  id: id(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  settings: jsonb().$type<TenantSettings>().notNull().default({}),
  /** Next human ticket number (TKT-10001…), incremented under the tenant row lock. */
  nextTicketNumber: integer().notNull().default(10001),
  createdAt: createdAt(),
})

/** What an API key may do; which requests need which is server/auth/api-key-scopes.ts. */
export const API_KEY_SCOPES = ['read', 'write', 'admin'] as const
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number]

export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    tenantId: tenantRef(),
    name: text().notNull(),
    /** SHA-256 of the key; the key itself is shown once and never stored. */
    keyHash: text().notNull().unique(),
    /** The first characters of the key, so a person can tell keys apart. */
    prefix: text().notNull(),
    /** No default: every key names what it may do (keys from before scopes got all three). */
    scopes: text().array().$type<ApiKeyScope[]>().notNull(),
    /** When the key last authenticated a request, to the minute (server/auth/api-keys.ts). */
    lastUsedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // A person tells keys apart by name; the demo seed re-installs its key by name at every start.
    uniqueIndex('api_keys_active_name').on(t.tenantId, t.name).where(sql`${t.revokedAt} is null`),
    check(
      'api_keys_scopes_known',
      sql`cardinality(${t.scopes}) > 0 and ${t.scopes} <@ array['read', 'write', 'admin']::text[]`,
    ),
  ],
)

/** The owning tenant of a row: every tenant-scoped table has one, and deleting the tenant deletes it. */
export function tenantRef() {
  return uuid()
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' })
}
