// The people of a tenant and how they work: operator accounts, their sign-in sessions and
// invitations, and the workspace an admin configures (canned responses, tags, custom fields,
// queues and routing rules).

import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt } from './columns.ts'
import { contacts } from './contacts.ts'
import { tenantRef } from './tenants.ts'
import { tickets } from './tickets.ts'

export type UserRole = 'admin' | 'agent'
export type Availability = 'online' | 'away' | 'offline'

export const users = pgTable(
  'users',
  {
    id: id(),
    tenantId: tenantRef(),
    /** Lower-cased; one account per address across the deployment, so sign-in finds the tenant. */
    email: text().notNull(),
    name: text().notNull(),
    role: text().$type<UserRole>().notNull(),
    /** Argon2id (PHC string); null for an account that has not set a password yet. */
    passwordHash: text(),
    /** Auto-assignment only hands work to people who are online. */
    availability: text().$type<Availability>().notNull().default('online'),
    /** Topics, categories or languages this person handles best; routing rules can require them. */
    expertise: jsonb().$type<string[]>().notNull().default([]),
    /** Most open tickets auto-assignment gives this person at once (0: no limit). */
    capacity: integer().notNull().default(0),
    /** Which notifications reach this person, and how (validated when read: server/notifications/preferences.ts). */
    notificationPreferences: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    lastSeenAt: timestamp({ withTimezone: true }),
    /** A removed teammate keeps their history in the audit trail but can no longer sign in. */
    disabledAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('users_email').on(t.email), index('users_tenant').on(t.tenantId)],
)

/** A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    tenantId: tenantRef(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    /** Sent back by the page in a header on every change (double submit, bound to the session). */
    csrfToken: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    userAgent: text(),
    createdAt: createdAt(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sessions_token').on(t.tokenHash), index('sessions_user').on(t.userId)],
)

export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    tenantId: tenantRef(),
    email: text().notNull(),
    role: text().$type<UserRole>().notNull(),
    tokenHash: text().notNull(),
    invitedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('invitations_token').on(t.tokenHash), index('invitations_tenant').on(t.tenantId)],
)

/** A saved reply an operator inserts by typing its shortcut (`/refund`). */
export const cannedResponses = pgTable(
  'canned_responses',
  {
    id: id(),
    tenantId: tenantRef(),
    shortcut: text().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    createdBy: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('canned_responses_shortcut').on(t.tenantId, t.shortcut)],
)

export const tags = pgTable(
  'tags',
  {
    id: id(),
    tenantId: tenantRef(),
    name: text().notNull(),
    color: text().notNull().default('#64748b'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('tags_name').on(t.tenantId, t.name)],
)

export type CustomFieldType = 'text' | 'number' | 'boolean' | 'date' | 'select'

/** A field an admin adds to customer profiles (plan, account id, renewal date …). */
export const customFields = pgTable(
  'custom_fields',
  {
    id: id(),
    tenantId: tenantRef(),
    key: text().notNull(),
    label: text().notNull(),
    type: text().$type<CustomFieldType>().notNull(),
    /** The choices of a `select` field. */
    options: jsonb().$type<string[]>().notNull().default([]),
    position: integer().notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('custom_fields_key').on(t.tenantId, t.key)],
)

export type AssignmentStrategy = 'round_robin' | 'least_loaded' | 'manual'

/** A group of people who take a kind of work; escalated tickets name their queue. */
export const queues = pgTable(
  'queues',
  {
    id: id(),
    tenantId: tenantRef(),
    /** Matches the queue an agent escalates to (support, sales, billing …). */
    name: text().notNull(),
    strategy: text().$type<AssignmentStrategy>().notNull().default('round_robin'),
    /** User ids of the members. */
    members: jsonb().$type<string[]>().notNull().default([]),
    /** Round robin's position: the member who got the last ticket. */
    lastAssignedUserId: uuid(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('queues_name').on(t.tenantId, t.name)],
)

export interface RoutingConditions {
  languages?: string[]
  countries?: string[]
  keywords?: string[]
  categories?: string[]
  urgencies?: string[]
  priorities?: string[]
  channels?: string[]
  vip?: boolean
}

export interface RoutingActions {
  queue?: string
  priority?: string
  tags?: string[]
  /** Only members with this expertise are considered when the rule's queue assigns. */
  expertise?: string
}

/** First matching rule (by position) decides where an escalated ticket goes. */
export const routingRules = pgTable(
  'routing_rules',
  {
    id: id(),
    tenantId: tenantRef(),
    name: text().notNull(),
    position: integer().notNull().default(0),
    enabled: boolean().notNull().default(true),
    conditions: jsonb().$type<RoutingConditions>().notNull().default({}),
    actions: jsonb().$type<RoutingActions>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('routing_rules_tenant').on(t.tenantId, t.position)],
)

/** One answer to the satisfaction question after a ticket is resolved (1–5). */
export const satisfactionRatings = pgTable(
  'satisfaction_ratings',
  {
    id: id(),
    tenantId: tenantRef(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    contactId: uuid().references(() => contacts.id, { onDelete: 'set null' }),
    score: integer().notNull(),
    comment: text(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('satisfaction_ratings_ticket').on(t.ticketId),
    index('satisfaction_ratings_tenant_time').on(t.tenantId, t.createdAt),
  ],
)
