import { describe, expect, it } from 'vitest'
import type { Passage } from '../../tools/library-search.ts'
import { composeFromPassages } from './compose.ts'

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

describe('extractive composer', () => {
  it('quotes the best passage as written, greets by first name, and cites its source', () => {
    const reply = composeFromPassages({
      message: 'export?',
      passages: [passage(), passage({ passageId: 'p2' })],
      contactName: 'Dana Reyes',
    })
    expect(reply).toEqual({
      body: 'Hi Dana,\n\n1. Open the board.\n2. Click Export.\n\nSource: Export your data: https://help.example.com/export',
      citations: [
        {
          documentId: 'd1',
          passageId: 'p1',
          slug: 'export',
          title: 'Export your data',
          heading: 'Export a board to CSV',
          url: 'https://help.example.com/export',
        },
      ],
      grounding: 0.8,
    })
  })

  it('answers nothing without a passage', () => {
    expect(composeFromPassages({ message: 'x', passages: [], contactName: null })).toBeNull()
  })

  it('cites a document without a URL by its title', () => {
    const reply = composeFromPassages({ message: 'x', passages: [passage({ url: null })], contactName: null })
    expect(reply!.body.endsWith('Source: Export your data')).toBe(true)
  })
})
