import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { parseMentions } from './parse.ts'
import { REDDIT_POST, TWEET } from './test-fixtures.ts'

describe('mentions webhook', () => {
  it('turns a mention into a community message from the author’s social identity', () => {
    expect(parseMentions(TWEET)).toEqual({
      messages: [
        {
          providerMessageId: 'twitter:1765012345678901234',
          kind: 'mention',
          text: '@acme my order is two weeks late and nobody answers email',
          contact: { identity: { kind: 'social', value: 'twitter:samsmith' }, name: 'Sam Smith' },
          metadata: { source: 'twitter', url: TWEET.url, community: true },
          replyToProviderId: 'twitter:1765012300000000000',
          sentAt: new Date('2024-03-05T10:02:00Z'),
        },
      ],
      statuses: [],
      ignored: 0,
    })
  })

  it('accepts a batch, the raw body, and uses the handle when there is no name', () => {
    const parsed = parseMentions(JSON.stringify({ mentions: [TWEET, REDDIT_POST] }))
    expect(parsed.messages.map((m) => m.contact)).toEqual([
      { identity: { kind: 'social', value: 'twitter:samsmith' }, name: 'Sam Smith' },
      { identity: { kind: 'social', value: 'reddit:u_canuck' }, name: 'u_canuck' },
    ])
    expect(parsed.messages[1]!.replyToProviderId).toBeNull()
    expect(parsed.messages[1]!.sentAt).toEqual(new Date('2024-03-05T10:30:00Z'))
  })

  it('normalizes the source name', () => {
    expect(parseMentions({ ...TWEET, source: ' LinkedIn ' }).messages[0]!.providerMessageId).toBe(
      'linkedin:1765012345678901234',
    )
  })

  it.each([
    [{ ...TWEET, source: 'Twitter / X' }, 'source: must be a short name'],
    [{ ...TWEET, author: { handle: 'sam smith' } }, 'author.handle: must be a handle without spaces'],
    [{ ...TWEET, author: undefined }, 'author'],
    [{ ...TWEET, text: '   ' }, 'text: must not be empty'],
    [{ ...TWEET, url: 'javascript:alert(1)' }, 'url: must be an http(s) URL'],
    [{ ...TWEET, postedAt: '5 March 2024' }, 'postedAt: must be an ISO 8601 date-time'],
    [{ ...TWEET, postedAt: '2024-03-05T10:02:00' }, 'postedAt'],
    [{ mentions: [] }, 'mentions: Too small'],
    [{ mentions: [TWEET, { ...REDDIT_POST, id: 7 }] }, 'mentions.1.id'],
  ])('rejects %# with a message naming the field', (payload, expected) => {
    try {
      parseMentions(payload)
      expect.unreachable('should have thrown')
    } catch (error) {
      expect(error).toBeInstanceOf(AtlasError)
      expect((error as AtlasError).code).toBe('validation_failed')
      expect((error as AtlasError).message).toContain(expected)
    }
  })
})

describe('reply statuses', () => {
  it('reads the listening tool’s report on a posted reply as a delivery update', () => {
    expect(
      parseMentions({
        statuses: [
          { source: 'twitter', id: '99', status: 'delivered', at: '2024-03-05T11:00:00Z' },
          {
            source: 'reddit',
            id: 't1_x',
            status: 'failed',
            at: '2024-03-05T11:01:00Z',
            error: 'thread locked',
          },
        ],
      }),
    ).toEqual({
      messages: [],
      statuses: [
        { providerMessageId: 'twitter:99', status: 'delivered', at: new Date('2024-03-05T11:00:00Z') },
        {
          providerMessageId: 'reddit:t1_x',
          status: 'failed',
          at: new Date('2024-03-05T11:01:00Z'),
          error: 'thread locked',
        },
      ],
      ignored: 0,
    })
  })

  it('refuses a status it does not know', () => {
    expect(() =>
      parseMentions({
        statuses: [{ source: 'twitter', id: '9', status: 'read', at: '2024-03-05T11:00:00Z' }],
      }),
    ).toThrow(/statuses\.0\.status/)
  })
})
