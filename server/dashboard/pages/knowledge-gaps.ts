// Knowledge gaps: what customers asked that the Library could not answer, grouped by topic — this week
// so far, and the weekly digests with each group's questions and the answers people gave. One click
// turns a digest group into a draft Library article (kept out of answers until an admin publishes it).
import { html } from 'hono/html'
import type { DigestGroup } from '../../../drizzle/schema/customer-success.ts'
import { type Markup, moment, when } from '../layout.ts'

export interface DigestSummary {
  id: string
  periodStart: string
  periodEnd: string
  questions: number
  groupCount: number
  groups: Array<{ index: number; label: string; count: number; articleId: string | null }>
  emailedAt: string | null
  createdAt: string
}

export interface DigestDetail extends Omit<DigestSummary, 'groups'> {
  groups: DigestGroup[]
}

export interface RecentGaps {
  since: string
  until: string
  questions: number
  groups: DigestGroup[]
}

export interface KnowledgeGapsData {
  digests: DigestSummary[]
  /** The digest shown in full: the one asked for, else the latest. */
  digest: DigestDetail | null
  recent: RecentGaps | null
  isAdmin: boolean
}

const day = (d: string) => when(d).slice(0, 10)
/** A digest's week: its end is exclusive (next Monday 00:00), so the last day shown is the day before. */
const week = (d: { periodStart: string; periodEnd: string }) =>
  `${day(d.periodStart)} to ${day(new Date(Date.parse(d.periodEnd) - 1).toISOString())}`
const times = (n: number) => (n === 1 ? 'once' : `${n} times`)

export function knowledgeGapsPage(data: KnowledgeGapsData): Markup {
  const latest = data.digests[0]
  const others = data.digests.filter((d) => d.id !== data.digest?.id)
  return html`
<h1>Knowledge gaps</h1>
<p class="muted">What customers asked that the Library could not answer well, grouped by topic. Turn a topic into a draft article, check what people answered, and publish it in Settings → Library.</p>
<div id="knowledge-gaps" data-live>
<section class="panel" aria-labelledby="recent-heading">
  <h2 id="recent-heading">This week so far${data.recent ? html` <span class="muted small">since ${when(data.recent.since)} UTC · ${data.recent.questions} ${data.recent.questions === 1 ? 'question' : 'questions'}</span>` : ''}</h2>
  ${
    !data.recent
      ? html`<p class="muted">This week's gaps could not be read.</p>`
      : data.recent.groups.length === 0
        ? html`<p class="muted">No unanswered questions since the last digest.</p>`
        : html`<div class="gap-groups">${data.recent.groups.map((g, i) => group(g, { id: `recent-${i}` }))}</div>
      <p class="muted small">This week's topics become a digest on Monday; articles are drafted from a digest's topics.</p>`
  }
</section>
${
  data.digest
    ? html`<section class="panel" aria-labelledby="digest-heading" data-digest="${data.digest.id}">
  <h2 id="digest-heading">${data.digest.id === latest?.id ? 'Latest digest' : 'Digest'}: week of ${week(data.digest)} <span class="muted small">${data.digest.questions} ${data.digest.questions === 1 ? 'question' : 'questions'} in ${data.digest.groupCount} ${data.digest.groupCount === 1 ? 'topic' : 'topics'}${data.digest.emailedAt ? html` · emailed ${moment(data.digest.emailedAt)}` : ''}</span></h2>
  ${
    data.digest.groups.length === 0
      ? html`<p class="muted">No gaps that week: the Library answered everything.</p>`
      : html`<div class="gap-groups">${data.digest.groups.map((g, index) =>
          group(g, { id: `digest-${index}`, digestId: data.digest!.id, index, isAdmin: data.isAdmin }),
        )}</div>`
  }
</section>`
    : html`<section class="panel"><h2>Weekly digests</h2><p class="muted">No digest yet: the first one is made on Monday from the week before.</p></section>`
}
${
  others.length
    ? html`<section class="panel" aria-labelledby="earlier-heading">
  <h2 id="earlier-heading">${data.digest?.id === latest?.id ? 'Earlier digests' : 'Other digests'}</h2>
  <ul class="list digests">${others.map(
    (d) => html`<li><a href="/app/knowledge-gaps?digest=${d.id}">
    <span><span class="who">Week of ${week(d)}</span> · ${d.questions} ${d.questions === 1 ? 'question' : 'questions'}</span>
    <span class="muted small">${d.groupCount} ${d.groupCount === 1 ? 'topic' : 'topics'}</span>
    <span class="snippet">${d.groups
      .slice(0, 4)
      .map((g) => `${g.label} (${g.count})`)
      .join(' · ')}</span></a></li>`,
  )}</ul>
</section>`
    : ''
}
</div>`
}

function group(
  g: DigestGroup,
  options: { id: string; digestId?: string; index?: number; isAdmin?: boolean },
): Markup {
  const heading = `${options.id}-heading`
  const shown = g.questions.length
  return html`<article class="gap-group" id="${options.id}" aria-labelledby="${heading}" ${options.index === undefined ? '' : html`data-group="${options.index}"`}>
  <h3 id="${heading}">Customers asked about <q>${g.label}</q> ${times(g.count)}</h3>
  ${g.keywords.length ? html`<p class="muted small">Keywords: ${g.keywords.join(', ')}</p>` : ''}
  <details id="${options.id}-questions">
    <summary>Questions and the answers people gave${shown < g.count ? ` (${shown} of ${g.count})` : ` (${shown})`}</summary>
    <ol class="gap-questions">
      ${g.questions.map(
        (q) => html`<li>
        <p class="question">${q.question}</p>
        <p class="small muted">asked ${moment(q.askedAt)}${q.ticketNumber ? html` · <a href="/app/tickets/TKT-${q.ticketNumber}">TKT-${q.ticketNumber}</a>` : ''}</p>
        ${
          q.humanAnswer
            ? html`<blockquote class="answer small"><span class="visually-hidden">Answer given: </span>${q.humanAnswer}</blockquote>`
            : html`<p class="small muted">No person has answered it yet.</p>`
        }
      </li>`,
      )}
    </ol>
  </details>
  ${options.digestId === undefined ? '' : articleAction(g, options.digestId, options.index!, options.isAdmin ?? false)}
</article>`
}

function articleAction(g: DigestGroup, digestId: string, index: number, isAdmin: boolean) {
  if (g.articleId) {
    return html`<div class="actions" data-article="${g.articleId}">
    <span class="badge status-resolved">Draft article written</span>
    ${
      isAdmin
        ? html`<a class="button" href="/app/settings/library/${g.articleId}">Open the draft article</a>`
        : html`<span class="muted small">An admin reviews and publishes it in Settings → Library.</span>`
    }
  </div>`
  }
  return html`<div class="actions">
    <button class="primary" data-api="POST /v1/knowledge-gaps/digests/${digestId}/groups/${index}/article" data-done="Draft article written" aria-describedby="${`digest-${index}-heading`}">Draft Library article</button>
  </div>`
}
