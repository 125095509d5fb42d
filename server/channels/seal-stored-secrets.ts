// At every start: channel secrets stored before encryption existed are encrypted, and those sealed
// with an old key (ATLAS_SECRET_KEYS_OLD) are sealed again with the current one. Idempotent — a second
// run finds nothing to do — and safe with several processes starting at once (the rows are locked).
// A secret that cannot be opened stops the start with a message saying which channel and key.
import { asc, eq } from 'drizzle-orm'
import type { Logger } from '../../common/logger.ts'
import { isSealed, type SecretBox } from '../../common/secret-box.ts'
import type { Executor } from '../../drizzle/database.ts'
import { channels } from '../../drizzle/schema/channels.ts'
import { mapSecrets, secretContext } from './channel-config.ts'

export interface SealReport {
  /** Secrets that were stored in plaintext and are now encrypted. */
  encrypted: number
  /** Secrets sealed with an old key, now sealed with the current one. */
  resealed: number
}

export async function sealStoredChannelSecrets(
  db: Executor,
  box: SecretBox,
  logger: Logger,
): Promise<SealReport> {
  const report: SealReport = { encrypted: 0, resealed: 0 }
  await db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: channels.id, kind: channels.kind, config: channels.config })
      .from(channels)
      .orderBy(asc(channels.id))
      .for('update')
    for (const row of rows) {
      let changed = false
      const config = mapSecrets(row.kind, row.config, (value, field) => {
        if (typeof value !== 'string') return value
        const context = secretContext(row.id, field)
        if (!isSealed(value)) {
          report.encrypted++
          changed = true
          return box.seal(value, context)
        }
        if (!box.needsResealing(value)) return value
        report.resealed++
        changed = true
        return box.seal(box.open(value, context), context)
      })
      if (changed) await tx.update(channels).set({ config }).where(eq(channels.id, row.id))
    }
  })
  if (report.encrypted > 0) {
    logger.info({ secrets: report.encrypted }, 'encrypted channel secrets that were stored in plaintext')
  }
  if (report.resealed > 0) {
    logger.info(
      { secrets: report.resealed, keyId: box.current.id },
      'channel secrets sealed with an old key are now sealed with the current key',
    )
  }
  return report
}
