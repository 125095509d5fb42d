import { describe, expect, it } from 'vitest'
import { splitText, withSources } from './text.ts'

describe('withSources', () => {
  it('appends one line per source, with or without a URL', () => {
    expect(
      withSources(' Reset it in Settings. ', [
        { title: 'Passwords', url: 'https://help.example.com/pw' },
        { title: 'Internal runbook', url: null },
      ]),
    ).toBe('Reset it in Settings.\n\nSources:\n- Passwords: https://help.example.com/pw\n- Internal runbook')
    expect(withSources('Just text', [])).toBe('Just text')
  })
})

describe('splitText', () => {
  it('leaves short text alone', () => {
    expect(splitText('hello', 10)).toEqual(['hello'])
    expect(splitText('', 10)).toEqual([])
  })

  it('prefers paragraph breaks, then lines, then spaces', () => {
    expect(splitText('aaaa bbbb\n\ncccc', 12)).toEqual(['aaaa bbbb', 'cccc'])
    expect(splitText('aaaa bbbb\ncccc dd', 12)).toEqual(['aaaa bbbb', 'cccc dd'])
    expect(splitText('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc'])
  })

  it('cuts a word longer than the limit, and never splits a code point', () => {
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij'])
    const parts = splitText('😀'.repeat(5), 2)
    expect(parts).toEqual(['😀😀', '😀😀', '😀'])
    expect(splitText('😀é', 1, 'utf8-bytes')).toEqual(['😀', 'é'])
  })

  it('can count UTF-8 bytes', () => {
    const parts = splitText('é'.repeat(10), 8, 'utf8-bytes')
    expect(parts).toEqual(['éééé', 'éééé', 'éé'])
    for (const part of splitText('Grüße aus Köln '.repeat(200), 1000, 'utf8-bytes')) {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(1000)
    }
  })

  it('keeps every word when splitting long prose', () => {
    const text = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ')
    const parts = splitText(text, 100)
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(100)
    expect(parts.join(' ')).toBe(text)
  })
})
