// Help-center articles as Markdown with a small front matter block; each `## ` section becomes a
// passage, the unit the agent retrieves, quotes and cites.
import { z } from 'zod'
import { AtlasError } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'

export interface ArticleSection {
  heading: string
  body: string
}

export interface Article {
  slug: string
  title: string
  url: string | null
  tags: string[]
  /** The whole Markdown body (without front matter). */
  body: string
  sections: ArticleSection[]
}

const FrontMatter = z.object({
  slug: z
    .string()
    .min(1)
    .max(120)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and hyphens'),
  title: z.string().min(1).max(300),
  url: z.url().optional(),
  tags: z.string().optional(),
})

export function parseArticle(markdown: string): Article {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(markdown)
  if (!match) {
    throw new AtlasError(
      'validation_failed',
      'Invalid article: it must start with a front matter block between --- lines',
    )
  }
  const fields: Record<string, string> = {}
  for (const line of match[1]!.split(/\r?\n/)) {
    const field = /^([A-Za-z]+):\s*(.*)$/.exec(line)
    if (field) fields[field[1]!] = field[2]!.trim()
  }
  const front = parseInput(FrontMatter, fields, 'article front matter')
  const body = match[2]!.trim()
  return {
    slug: front.slug,
    title: front.title,
    url: front.url ?? null,
    tags: (front.tags ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    body,
    sections: splitSections(body),
  }
}

/** Sections start at `## ` headings; text before the first heading is the article's intro. */
export function splitSections(body: string): ArticleSection[] {
  const sections: ArticleSection[] = []
  let current: ArticleSection | null = null
  for (const line of body.split(/\r?\n/)) {
    const heading = /^##\s+(.+?)\s*#*\s*$/.exec(line)
    if (heading) {
      if (current) sections.push(current)
      current = { heading: heading[1]!, body: '' }
    } else if (current) {
      current.body += `${line}\n`
    }
  }
  if (current) sections.push(current)
  return sections.map((s) => ({ heading: s.heading, body: s.body.trim() })).filter((s) => s.body.length > 0)
}
