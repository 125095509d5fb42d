// Customers (contacts) and the identities that find them again: a widget visitor id, an email, a phone.
import { boolean, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt } from './columns.ts'
import { tenantRef } from './tenants.ts'

export const contacts = pgTable('contacts', {
  id: id(),
  tenantId: tenantRef(),
  name: text(),
  email: text(),
  phone: text(),
  attributes: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  /** Values of the tenant's custom fields, by field key. */
  customFields: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  tags: jsonb().$type<string[]>().notNull().default([]),
  /** A VIP's tickets can be routed and prioritised differently. */
  vip: boolean().notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
})

export type IdentityKind = 'visitor' | 'email' | 'phone' | 'whatsapp' | 'messenger' | 'instagram' | 'social'

export const contactIdentities = pgTable(
  'contact_identities',
  {
    id: id(),
    tenantId: tenantRef(),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text().$type<IdentityKind>().notNull(),
    value: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('contact_identities_lookup').on(t.tenantId, t.kind, t.value)],
)
