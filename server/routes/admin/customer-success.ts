// Customer-success settings for admins (/v1/admin/customer-success): SLA policies and follow-ups,
// the satisfaction survey, back-to-bot, health scoring, churn save plays, the tenant's notification
// address and the knowledge-gap digest's recipients. Each section is replaced whole and validated
// here, at the edge, so a typo is a 400 naming the field instead of a section silently falling back
// to its defaults when the runtime reads it.
import { eq, sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import type { Executor } from '../../../drizzle/database.ts'
import { tenants } from '../../../drizzle/schema/tenants.ts'
import { customerSuccessSettingsOf, SETTINGS_SECTIONS } from '../../customer-success/settings.ts'
import { SlaSettingsSchema } from '../../customer-success/sla-policy.ts'
import { limitBody, param, readBody } from '../../http/body.ts'
import type { Runtime } from '../../runtime.ts'
import { type Env, tenantOf } from './common.ts'

const SECTIONS = { sla: SlaSettingsSchema, ...SETTINGS_SECTIONS } as const
type Section = keyof typeof SECTIONS
const SectionParam = z.enum(Object.keys(SECTIONS) as [Section, ...Section[]], {
  error: `must be one of ${Object.keys(SECTIONS).join(', ')}`,
})

/** The settings in effect, and any stored section that is invalid (and so runs on its defaults). */
async function settingsView(db: Executor, tenantId: string) {
  const [row] = await db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId))
  const issues: Array<{ section: string; issues: unknown }> = []
  const { timeZone, ...settings } = customerSuccessSettingsOf(row?.settings ?? {}, (issue) =>
    issues.push(issue),
  )
  return { timeZone, settings, invalid: issues }
}

export function customerSuccessSettingsRoutes(runtime: Pick<Runtime, 'database' | 'logger'>) {
  const db = runtime.database.db
  const app = new Hono<Env>()
  app.use('*', limitBody(64 * 1024))

  app.get('/customer-success', async (c) => c.json(await settingsView(db, tenantOf(c))))

  app.put('/customer-success/:section', async (c) => {
    const tenantId = tenantOf(c)
    const section = param(c, 'section', SectionParam)
    const value = await readBody(c, SECTIONS[section], `${section} settings`)
    // One statement: a concurrent change to another section is kept.
    await db
      .update(tenants)
      .set({
        settings: sql`${tenants.settings} || jsonb_build_object(${section}::text, ${JSON.stringify(value)}::jsonb)`,
      })
      .where(eq(tenants.id, tenantId))
    runtime.logger.info(
      { tenantId, by: c.get('auth').operator, section },
      'customer-success settings changed',
    )
    return c.json(await settingsView(db, tenantId))
  })

  return app
}
