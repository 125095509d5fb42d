// Generated bad mentions webhooks (test support), for the parser tests and the route's end-to-end test.
import {
  type FieldSpec,
  type Malformed,
  malformedBodies,
  malformedFields,
} from '../shared/malformed-payloads.ts'
import { REDDIT_POST, TWEET } from './test-fixtures.ts'

const mentionFields = (prefix: string): FieldSpec[] => [
  {
    path: `${prefix}source`,
    kind: 'pattern',
    max: 40,
    except: ['string'],
    bad: ['Twitter / X', '-x', 'a'.repeat(41)],
  },
  { path: `${prefix}id`, kind: 'string', max: 256, bad: ['   '] },
  {
    path: `${prefix}url`,
    kind: 'pattern',
    max: 2048,
    bad: ['javascript:alert(1)', 'ftp://x.example/a', '//x.com/a'],
  },
  { path: `${prefix}author`, kind: 'object' },
  {
    path: `${prefix}author.handle`,
    kind: 'pattern',
    max: 256,
    except: ['string'],
    bad: ['sam smith', 'a@b@c', '@'],
  },
  { path: `${prefix}author.name`, kind: 'string', optional: true, max: 200, bad: ['  '] },
  { path: `${prefix}text`, kind: 'string', max: 40_000, bad: [' \n '] },
  {
    path: `${prefix}postedAt`,
    kind: 'pattern',
    bad: ['2024-03-05', '2024-03-05T10:02:00', '2024-13-05T10:02:00Z', 'yesterday'],
  },
  { path: `${prefix}inReplyTo`, kind: 'string', optional: true, max: 256, bad: [''] },
]

export const single = { ...TWEET }
export const batch = { mentions: [TWEET, REDDIT_POST] }

export function mentionsMalformedCases(): Malformed[] {
  return [
    ...malformedFields(single, mentionFields('')),
    ...malformedFields(batch, [
      { path: 'mentions', kind: 'array', bad: [[], Array(101).fill(TWEET)] },
      { path: 'mentions.0', kind: 'object' },
      ...mentionFields('mentions.1.'),
    ]),
    ...malformedBodies(single, 5),
  ]
}
