// Generated bad input for the mentions webhook: every case must be a 4xx AtlasError.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import {
  expectRejected,
  type FieldSpec,
  malformedBodies,
  malformedFields,
} from '../shared/malformed-payloads.ts'
import { parseMentions } from './parse.ts'
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

const single = { ...TWEET }
const batch = { mentions: [TWEET, REDDIT_POST] }

describe('mentions webhook: generated bad input', () => {
  const cases = [
    ...malformedFields(single, mentionFields('')),
    ...malformedFields(batch, [
      { path: 'mentions', kind: 'array', bad: [[], Array(101).fill(TWEET)] },
      { path: 'mentions.0', kind: 'object' },
      ...mentionFields('mentions.1.'),
    ]),
    ...malformedBodies(single, 5),
  ]

  it('starts from payloads that parse', () => {
    expect(parseMentions(single).messages).toHaveLength(1)
    expect(parseMentions(batch).messages).toHaveLength(2)
  })

  it(`rejects all ${cases.length} malformed payloads with a 4xx AtlasError`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(200)
    for (const item of cases) await expectRejected(parseMentions, item)
  })

  it('never throws anything but a 4xx AtlasError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const payload of [value, { mentions: [value] }, { ...TWEET, author: value }]) {
          try {
            parseMentions(payload)
          } catch (error) {
            if (!(error instanceof AtlasError) || error.status >= 500) throw error
          }
        }
      }),
      { numRuns: 300, seed: 3 },
    )
  })
})
