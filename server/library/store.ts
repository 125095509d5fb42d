// Writing the Library: one document and its passages replaced together, so search never sees a
// half-updated article.
import { and, eq } from 'drizzle-orm'
import type { Executor } from '../../drizzle/database.ts'
import { libraryDocuments, libraryPassages } from '../../drizzle/schema/library.ts'
import type { Article } from './article.ts'

export async function upsertArticle(db: Executor, tenantId: string, article: Article): Promise<string> {
  return db.transaction(async (tx) => {
    const [document] = await tx
      .insert(libraryDocuments)
      .values({
        tenantId,
        slug: article.slug,
        title: article.title,
        url: article.url,
        body: article.body,
        tags: article.tags,
      })
      .onConflictDoUpdate({
        target: [libraryDocuments.tenantId, libraryDocuments.slug],
        set: {
          title: article.title,
          url: article.url,
          body: article.body,
          tags: article.tags,
          updatedAt: new Date(),
        },
      })
      .returning({ id: libraryDocuments.id })
    const documentId = document!.id
    await tx
      .delete(libraryPassages)
      .where(and(eq(libraryPassages.tenantId, tenantId), eq(libraryPassages.documentId, documentId)))
    if (article.sections.length > 0) {
      await tx.insert(libraryPassages).values(
        article.sections.map((section, ordinal) => ({
          tenantId,
          documentId,
          ordinal,
          heading: section.heading,
          body: section.body,
          titleText: article.title,
        })),
      )
    }
    return documentId
  })
}
