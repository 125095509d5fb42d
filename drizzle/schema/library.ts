// The Library (knowledge base): documents split into passages, searched with PostgreSQL full-text search.
import { sql } from 'drizzle-orm'
import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, tsvector, updatedAt } from './columns.ts'
import { tenantRef } from './tenants.ts'

export const libraryDocuments = pgTable(
  'library_documents',
  {
    id: id(),
    tenantId: tenantRef(),
    slug: text().notNull(),
    title: text().notNull(),
    url: text(),
    body: text().notNull(),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('library_documents_slug').on(t.tenantId, t.slug)],
)

/** A passage is one section of a document: the unit that is retrieved, quoted and cited. */
export const libraryPassages = pgTable(
  'library_passages',
  {
    id: id(),
    tenantId: tenantRef(),
    documentId: uuid()
      .notNull()
      .references(() => libraryDocuments.id, { onDelete: 'cascade' }),
    ordinal: integer().notNull(),
    heading: text(),
    body: text().notNull(),
    /** Title and heading (weight A) count more than body text (weight C) in ranking. */
    searchVector: tsvector()
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce("title_text", '')), 'A') || setweight(to_tsvector('english', coalesce("heading", '')), 'A') || setweight(to_tsvector('english', "body"), 'C')`,
      ),
    /** The document title, copied so the generated vector can weigh it (generated columns see one row). */
    titleText: text().notNull(),
  },
  (t) => [
    index('library_passages_search').using('gin', t.searchVector),
    index('library_passages_document').on(t.documentId, t.ordinal),
    index('library_passages_tenant').on(t.tenantId),
  ],
)
