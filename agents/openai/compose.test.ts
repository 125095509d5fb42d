import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import type { Passage } from '../../tools/library-search.ts'
import { composeSystemPrompt, composeUserPrompt, passagesIn, replyFrom } from './compose.ts'

const passage = (over: Partial<Passage> = {}): Passage => ({
  passageId: 'p1',
  documentId: 'd1',
  slug: 'export',
  title: 'Export your data',
  heading: 'Export a board to CSV',
  url: 'https://help.example.com/export',
  body: '1. Open the board.\n2. Click Export.',
  rank: 0.4,
  coverage: 0.8,
  score: 0.7,
  ...over,
})

const known = (...passages: Passage[]) => new Map(passages.map((p) => [p.passageId, p]))

describe('compose prompt', () => {
  it('puts the instructions before the grounding rules', () => {
    const system = composeSystemPrompt({ instructions: 'You answer pricing questions.' })
    expect(system.startsWith('You answer pricing questions.')).toBe(true)
    expect(system).toContain('Answer only from the passages')
    expect(system).toContain('set answerable to false')
    expect(system).not.toContain('other tools')
  })

  it('gives the history, the message and each passage with its id', () => {
    const user = composeUserPrompt({
      message: 'How do I export?',
      contactName: 'Dana Reyes',
      history: [
        { author: 'customer', body: 'Hi' },
        { author: 'bot', body: 'Hello! How can I help?' },
      ],
      passages: [passage(), passage({ passageId: 'p2', heading: null, url: null, body: 'Other.' })],
    })
    expect(user).toContain('Customer: Hi\nAssistant: Hello! How can I help?')
    expect(user).toContain('Customer message from Dana Reyes:\n<message>\nHow do I export?\n</message>')
    expect(user).toContain(
      '<passage id="p1">\nTitle: Export your data\nSection: Export a board to CSV\nURL: https://help.example.com/export\n1. Open the board.\n2. Click Export.\n</passage>',
    )
    expect(user).toContain('<passage id="p2">\nTitle: Export your data\nOther.\n</passage>')
  })
})

describe('reply from the structured answer', () => {
  const answer = {
    answerable: true,
    answer: 'Open the board and click Export.',
    citedPassageIds: ['p1'],
    confidence: 0.8,
  }

  it('adds one Source line per cited document and cites each passage', () => {
    const reply = replyFrom(
      { ...answer, citedPassageIds: ['p1', 'p2', 'p3', 'p1'] },
      known(
        passage(),
        passage({ passageId: 'p2', heading: 'Columns' }),
        passage({ passageId: 'p3', documentId: 'd3', title: 'Limits', url: null }),
      ),
    )
    expect(reply?.body).toBe(
      'Open the board and click Export.\n\nSource: Export your data: https://help.example.com/export\nSource: Limits',
    )
    expect(reply?.citations.map((c) => c.passageId)).toEqual(['p1', 'p2', 'p3'])
    expect(reply?.grounding).toBe(0.8)
    expect(reply).not.toHaveProperty('toolCalls')
  })

  it('returns null when the passages do not answer', () => {
    expect(replyFrom({ ...answer, answerable: false, citedPassageIds: [] }, known(passage()))).toBeNull()
  })

  it('refuses a citation of an unknown passage, an uncited answer and an empty one', () => {
    const check = (over: Partial<typeof answer>, message: RegExp) => {
      const error = (() => {
        try {
          replyFrom({ ...answer, ...over }, known(passage()))
        } catch (e) {
          return e
        }
      })()
      expect(error).toBeInstanceOf(AtlasError)
      expect(error).toMatchObject({ code: 'model_malformed_output', message: expect.stringMatching(message) })
    }
    check({ citedPassageIds: ['p1', 'nope'] }, /not given: nope/)
    check({ citedPassageIds: [] }, /without citing/)
    check({ answer: '  ' }, /empty answer/)
  })

  it('finds passages in a tool output', () => {
    const p = passage({ passageId: 'found' })
    expect(passagesIn({ passages: [p, { not: 'a passage' }], terms: ['x'] })).toEqual([p])
    expect(passagesIn([p])).toEqual([p])
    expect(passagesIn('text')).toEqual([])
  })
})
