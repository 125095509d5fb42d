import { describe, expect, it } from 'vitest'
import type { Passage } from '../../tools/library-search.ts'
import { answerPassages, composeFromPassages } from './compose.ts'

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
      passages: [passage(), passage({ passageId: 'p2', documentId: 'd2' })],
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

  it('quotes a sibling section of the same article when it scores nearly as well, and cites both', () => {
    const sibling = passage({
      passageId: 'p2',
      heading: 'Export a doc to PDF',
      body: 'Open the doc and choose Export → PDF.',
      score: 0.6,
    })
    const reply = composeFromPassages({
      message: 'export?',
      passages: [passage(), sibling],
      contactName: null,
    })
    expect(reply!.body).toBe(
      '1. Open the board.\n2. Click Export.\n\nExport a doc to PDF:\nOpen the doc and choose Export → PDF.\n\nSource: Export your data: https://help.example.com/export',
    )
    expect(reply!.citations.map((c) => c.passageId)).toEqual(['p1', 'p2'])
    // Another article, or a sibling far behind, is not quoted.
    expect(
      answerPassages([passage(), passage({ passageId: 'p3', documentId: 'd2', score: 0.69 })]),
    ).toHaveLength(1)
    expect(answerPassages([passage(), passage({ passageId: 'p4', score: 0.5 })])).toHaveLength(1)
  })

  it('answers nothing without a passage', () => {
    expect(composeFromPassages({ message: 'x', passages: [], contactName: null })).toBeNull()
  })

  it('cites a document without a URL by its title', () => {
    const reply = composeFromPassages({ message: 'x', passages: [passage({ url: null })], contactName: null })
    expect(reply!.body.endsWith('Source: Export your data')).toBe(true)
  })
})
