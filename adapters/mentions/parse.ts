// The mentions webhook: public posts that mention the brand, from any social-listening source
// (see README.md for the format). One mention, or a batch `{ mentions: [...] }`, each becoming a
// message from the `social` identity `<source>:<handle>`, marked as a community post.
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import { decodeJsonPayload } from '../shared/json-payload.ts'
import type { NormalizedInbound, ParsedWebhook } from '../types.ts'

const PostId = z.string().trim().min(1).max(256)

export const MentionSchema = z.object({
  /** Where the post was made: `twitter`, `linkedin`, `reddit`, `mastodon`, `hackernews` … */
  source: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, 'must be a short name like twitter, linkedin or reddit'),
  /** The post's id at the source; with the source, it identifies the mention (redeliveries are stored once). */
  id: PostId,
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
  author: z.object({
    /** The author's handle at the source (a leading @ is dropped). */
    handle: z
      .string()
      .trim()
      .min(1)
      .max(256)
      .regex(/^@?[^\s@]+$/, 'must be a handle without spaces'),
    name: z.string().trim().min(1).max(200).optional(),
  }),
  text: z.string().trim().min(1, 'must not be empty').max(40_000),
  postedAt: z.iso.datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time, e.g. 2024-03-05T10:02:00Z',
  }),
  /** The id of the post this one answers, at the same source. */
  inReplyTo: PostId.optional(),
})

export const MentionBatchSchema = z.object({ mentions: z.array(MentionSchema).min(1).max(100) })

/** The tool's report on a reply we handed to its replyUrl: posted publicly, or refused / removed. */
export const ReplyStatusSchema = z.object({
  source: MentionSchema.shape.source,
  /** The posted reply's id at the source, as the reply endpoint answered it. */
  id: PostId,
  status: z.enum(['delivered', 'failed']),
  at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2024-03-05T10:02:00Z' }),
  error: z.string().trim().max(1000).optional(),
})

export const ReplyStatusBatchSchema = z.object({ statuses: z.array(ReplyStatusSchema).min(1).max(100) })

export type Mention = z.output<typeof MentionSchema>

export function parseMentions(payload: unknown): ParsedWebhook {
  const json = decodeJsonPayload(payload, 'mentions webhook')
  if (typeof json === 'object' && json !== null && 'statuses' in json) {
    const { statuses } = parseInput(ReplyStatusBatchSchema, json, 'reply statuses')
    return {
      messages: [],
      statuses: statuses.map((s) => ({
        providerMessageId: `${s.source}:${s.id}`,
        status: s.status,
        at: new Date(s.at),
        ...(s.error ? { error: s.error } : {}),
      })),
      ignored: 0,
    }
  }
  const batch = typeof json === 'object' && json !== null && 'mentions' in json
  const mentions = batch
    ? parseInput(MentionBatchSchema, json, 'mentions webhook').mentions
    : [parseInput(MentionSchema, json, 'mention')]
  return { messages: mentions.map(normalize), statuses: [], ignored: 0 }
}

function normalize(mention: Mention): NormalizedInbound {
  // Handles are case-insensitive on the big networks: one person, one identity.
  const handle = mention.author.handle.replace(/^@/, '').toLowerCase()
  return {
    providerMessageId: `${mention.source}:${mention.id}`,
    kind: 'mention',
    text: mention.text,
    contact: {
      identity: { kind: 'social', value: `${mention.source}:${handle}` },
      name: mention.author.name ?? mention.author.handle,
    },
    metadata: { source: mention.source, url: mention.url, community: true },
    replyToProviderId: mention.inReplyTo ? `${mention.source}:${mention.inReplyTo}` : null,
    sentAt: new Date(mention.postedAt),
  }
}
