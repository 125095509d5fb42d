// Column helpers shared by every table: ids, tenant scoping and timestamps look the same everywhere.
import { customType, timestamp, uuid } from 'drizzle-orm/pg-core'

export const id = () => uuid().primaryKey().defaultRandom()

export const createdAt = () => timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow()

export const updatedAt = () => timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow()

/** PostgreSQL full-text search vector; only ever written by a generated column, read in SQL. */
export const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
})
