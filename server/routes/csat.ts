// The satisfaction survey on the web: the public answer page an email's links open (/csat/:token), and
// the CSAT report for the authenticated API (/v1/reports/csat). The page needs no script and no account:
// possession of the link's random token is the right to answer.

import { eq } from 'drizzle-orm'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import { satisfactionSurveys } from '../../drizzle/schema/customer-success.ts'
import { satisfactionRatings } from '../../drizzle/schema/team.ts'
import { tenants } from '../../drizzle/schema/tenants.ts'
import { withTenant } from '../../drizzle/tenant-scope.ts'
import { csatReport, recordSatisfaction, SCORE_LABELS } from '../customer-success/csat.ts'
import type { SuccessJobs } from '../customer-success/jobs.ts'
import { readCustomerSuccessSettings } from '../customer-success/settings.ts'
import type { AuthVariables } from '../http/auth.ts'
import type { Runtime } from '../runtime.ts'

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>
type Score = 1 | 2 | 3 | 4 | 5

const SCORES = [1, 2, 3, 4, 5] as const
const MAX_COMMENT = 2000

const AnswerForm = z.object({
  score: z
    .string({ error: 'Choose a score from 1 to 5.' })
    .trim()
    .regex(/^[1-5]$/, 'Choose a score from 1 to 5.')
    .transform((v) => Number(v) as Score),
  comment: z
    .string({ error: 'The comment must be text.' })
    .trim()
    .max(MAX_COMMENT, `Keep the comment under ${MAX_COMMENT} characters.`)
    .refine((v) => !v.includes('\u0000'), 'The comment contains a character (NUL) that cannot be saved.')
    .optional(),
})

const isScore = (value: unknown): value is Score => SCORES.includes(Number(value) as Score)

export function csatPublicRoutes(runtime: Pick<Runtime, 'database' | 'config'>, jobs: SuccessJobs) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: { survey?: Survey } }>()

  // The token is in the URL: no referrer to other sites, no caching, no search engines; the page
  // loads nothing but itself and posts only to itself.
  app.use('*', async (c, next) => {
    await next()
    const headers = c.res.headers
    headers.set('Cache-Control', 'no-store')
    headers.set('Referrer-Policy', 'no-referrer')
    headers.set('X-Robots-Tag', 'noindex, nofollow')
    headers.set('X-Content-Type-Options', 'nosniff')
    headers.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
  })

  async function surveyOf(token: string) {
    // Tokens are base64url; anything else cannot be one (and never reaches the database).
    if (!/^[\w-]{8,128}$/.test(token)) return null
    const [row] = await db
      .select({
        id: satisfactionSurveys.id,
        ticketId: satisfactionSurveys.ticketId,
        tenantId: satisfactionSurveys.tenantId,
        tenantName: tenants.name,
        score: satisfactionRatings.score,
        comment: satisfactionRatings.comment,
      })
      .from(satisfactionSurveys)
      .innerJoin(tenants, eq(tenants.id, satisfactionSurveys.tenantId))
      .leftJoin(satisfactionRatings, eq(satisfactionRatings.ticketId, satisfactionSurveys.ticketId))
      .where(eq(satisfactionSurveys.token, token))
    if (!row) return null
    const settings = await readCustomerSuccessSettings(db, row.tenantId)
    return { ...row, question: settings.csat.question, thanks: settings.csat.thanks }
  }
  type Survey = NonNullable<Awaited<ReturnType<typeof surveyOf>>>

  const notFound = (c: Context) =>
    c.html(
      shell(
        'Link not found',
        null,
        html`<h1>This link does not work</h1>
<p>We could not find this survey. Please check that the whole link from the message was opened.</p>`,
      ),
      404,
    )

  const answerPage = (
    survey: Survey,
    form: { score: Score | null; comment: string; error?: string | undefined },
  ) => {
    const answered = isScore(survey.score)
    const status = answered
      ? html`<p class="note">You rated this <strong>${survey.score}/5 (${SCORE_LABELS[survey.score as Score]})</strong>${
          survey.comment ? html` and wrote: “${survey.comment}”` : ''
        }. You can change your answer below.</p>`
      : ''
    return shell(
      'How did we do?',
      survey.tenantName,
      html`${status}${
        form.error ? html`<p class="error" role="alert" id="form-error">${form.error}</p>` : ''
      }<form method="post">
<fieldset${form.error ? raw(' aria-describedby="form-error"') : ''}>
<legend><h1>${survey.question}</h1></legend>
<div class="scores">
${SCORES.map(
  (n) =>
    html`<div class="score"><input type="radio" name="score" id="score-${n}" value="${n}" required${
      form.score === n ? raw(' checked') : ''
    }><label for="score-${n}"><span class="n">${n}</span><span class="w">${SCORE_LABELS[n]}</span></label></div>`,
)}
</div>
</fieldset>
<label class="comment" for="comment">Anything you would like to add? <span class="muted">(optional)</span></label>
<textarea id="comment" name="comment" rows="4" maxlength="${MAX_COMMENT}">${form.comment}</textarea>
<button type="submit">${answered ? 'Update my rating' : 'Send my rating'}</button>
</form>`,
    )
  }

  // The token is the right to answer: it names the survey, and so the tenant whose scope the page's
  // reads and the answer run in. Looked up once, here; an unknown one is the route's 404 (after its
  // body limit).
  app.use('/:token', async (c, next) => {
    const survey = await surveyOf(c.req.param('token'))
    if (!survey) return next()
    c.set('survey', survey)
    await withTenant(survey.tenantId, next)
  })

  app.get('/:token', async (c) => {
    const survey = c.get('survey')
    if (!survey) return notFound(c)
    // Only shows the choice: mail scanners open every link, so a GET never records anything.
    const asked = c.req.query('score')
    const score = asked && /^[1-5]$/.test(asked) ? (Number(asked) as Score) : null
    return c.html(
      answerPage(survey, {
        score: score ?? (isScore(survey.score) ? (survey.score as Score) : null),
        comment: survey.comment ?? '',
      }),
    )
  })

  app.post(
    '/:token',
    bodyLimit({
      maxSize: 16 * 1024,
      onError: (c) =>
        c.html(
          shell(
            'Too long',
            null,
            html`<h1>That was too long</h1><p>Please go back and shorten your comment.</p>`,
          ),
          413,
        ),
    }),
    async (c) => {
      const survey = c.get('survey')
      if (!survey) return notFound(c)
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
      const parsed = AnswerForm.safeParse(form)
      if (!parsed.success) {
        const comment = typeof form.comment === 'string' ? form.comment.slice(0, MAX_COMMENT) : ''
        const error = parsed.error.issues.map((i) => i.message).join(' ')
        const score =
          typeof form.score === 'string' && /^[1-5]$/.test(form.score) ? (Number(form.score) as Score) : null
        return c.html(answerPage(survey, { score, comment, error }), 400)
      }
      const { score, comment } = parsed.data
      await db.transaction((tx) =>
        recordSatisfaction(
          tx,
          { jobs, publicUrl: runtime.config.publicUrl },
          { surveyId: survey.id, ticketId: survey.ticketId, score, comment: comment || null, via: 'link' },
        ),
      )
      const token = encodeURIComponent(c.req.param('token'))
      return c.html(
        shell(
          'Thank you',
          survey.tenantName,
          html`<h1>${survey.thanks}</h1>
<p>You rated the help <strong>${score}/5 (${SCORE_LABELS[score]})</strong>.</p>
<p><a href="./${token}">Change your answer</a></p>`,
        ),
      )
    },
  )

  return app
}

// ISO 8601: a date (midnight UTC) or a date-time with its offset; no local times that mean
// something different on every server.
const Instant = z
  .string()
  .trim()
  .regex(
    /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i,
    'must be an ISO 8601 date or date-time with an offset, like 2025-06-01 or 2025-06-01T09:00:00Z',
  )
  .refine(isCalendarDate, 'is not a real date')
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()), 'is not a real date')

/** `Date` rolls 2025-02-30 over into March; a typo in a report range should be an error instead. */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return true // the format check says what is wrong
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

const ReportQuery = z.strictObject({ from: Instant.optional(), to: Instant.optional() })

const DEFAULT_DAYS = 30
const DAY_MS = 24 * 3600_000

export function csatReportRoutes(runtime: Pick<Runtime, 'database'>) {
  const db = runtime.database.db
  const app = new Hono<{ Variables: AuthVariables }>()

  app.get('/csat', async (c) => {
    const query = parseInput(ReportQuery, c.req.query(), 'query', 'bad_request')
    const to = query.to ?? new Date()
    const from = query.from ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS)
    if (from >= to) throw new AtlasError('bad_request', 'Invalid query: `from` must be before `to`')
    const report = await csatReport(db, c.get('auth').tenantId, { from, to })
    return c.json({ from: from.toISOString(), to: to.toISOString(), ...report })
  })

  return app
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.brand{margin:0 0 1rem;color:#4a5360;font-size:.95rem}
.card{background:#fff;border-radius:12px;padding:1.5rem 1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.3rem;line-height:1.3;margin:0 0 1rem}
fieldset{border:0;margin:0;padding:0;min-width:0}
legend{padding:0;width:100%}
.scores{display:grid;grid-template-columns:repeat(5,1fr);gap:.5rem;margin:0 0 1.25rem}
.score{position:relative}
.score input{position:absolute;opacity:0;width:1px;height:1px;margin:0}
.score label{display:flex;flex-direction:column;align-items:center;justify-content:center;min-height:4.5rem;padding:.4rem .2rem;border:2px solid #8a94a3;border-radius:10px;background:#fff;cursor:pointer;text-align:center}
.score .n{font-size:1.6rem;font-weight:700;line-height:1.1}
.score .w{font-size:.75rem;color:#4a5360}
.score input:checked+label{background:#1f4fd1;border-color:#1f4fd1;color:#fff}
.score input:checked+label .w{color:#fff}
.score input:focus-visible+label{outline:3px solid #f0a500;outline-offset:2px}
.score label:hover{border-color:#1f4fd1}
label.comment{display:block;font-weight:600;margin:0 0 .35rem}
.muted{color:#4a5360;font-weight:400}
textarea{width:100%;font:inherit;padding:.6rem;border:2px solid #8a94a3;border-radius:8px;margin:0 0 1.25rem;resize:vertical}
textarea:focus-visible{outline:3px solid #f0a500;outline-offset:1px}
button{width:100%;min-height:3rem;font:inherit;font-weight:700;color:#fff;background:#1f4fd1;border:0;border-radius:10px;cursor:pointer}
button:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.note{background:#eef3ff;border-radius:8px;padding:.75rem;margin:0 0 1rem}
.error{background:#fdecec;color:#8a1414;border-radius:8px;padding:.75rem;margin:0 0 1rem;font-weight:600}
a{color:#1f4fd1}
@media (max-width:360px){.scores{gap:.3rem}.score .w{font-size:.65rem}}
@media (prefers-color-scheme:dark){body{background:#14171b;color:#e8eaed}.card{background:#1f2328}.score label,textarea{background:#1f2328;color:#e8eaed}.score .w,.muted,.brand{color:#b4bcc8}.note{background:#1e2a44}.error{background:#4a1c1c;color:#ffd7d7}a{color:#8fb0ff}}
`

function shell(title: string, tenantName: string | null, body: Markup) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}${tenantName ? ` · ${tenantName}` : ''}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<main>
${tenantName ? html`<p class="brand">${tenantName} support</p>` : ''}
<div class="card">
${body}
</div>
</main>
</body>
</html>`
}
