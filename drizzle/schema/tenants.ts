// Tenants (the companies using Atlas Desk) and the API keys their developers and operators use.
import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
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

export const apiKeys = pgTable('api_keys', {
  id: id(),
  tenantId: tenantRef(),
  name: text().notNull(),
  /** SHA-256 of the key; the key itself is shown once and never stored. */
  keyHash: text().notNull().unique(),
  /** The first characters of the key, so a person can tell keys apart. */
  prefix: text().notNull(),
  createdAt: createdAt(),
  revokedAt: timestamp({ withTimezone: true }),
})

/** The owning tenant of a row: every tenant-scoped table has one, and deleting the tenant deletes it. */
export function tenantRef() {
  return uuid()
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' })
}
