import { describe, expect, it } from 'vitest'
import { htmlToText } from './html-text.ts'
import { stripQuotedReply } from './strip-reply.ts'

describe('htmlToText', () => {
  it('turns blocks and breaks into lines and decodes entities', () => {
    expect(
      htmlToText(
        '<html><head><title>x</title><style>p{}</style></head><body><p>Hi&nbsp;there,</p><div>Fish &amp; chips<br>are &#8364;5 &lt;each&gt;</div><ul><li>one</li><li>two</li></ul></body></html>',
      ),
    ).toBe('Hi there,\n\nFish & chips\nare €5 <each>\n\n- one\n\n- two')
  })

  it('marks blockquotes as > lines, which the quote stripper removes', () => {
    const html =
      '<div dir="ltr">Yes please</div><div class="gmail_quote"><div class="gmail_attr">On Tue, 5 Mar 2024 at 10:02, Acme &lt;s@acme.example&gt; wrote:<br></div><blockquote class="gmail_quote">Shall we refund it?</blockquote></div>'
    const text = htmlToText(html)
    expect(text).toContain('> Shall we refund it?')
    expect(stripQuotedReply(text)).toBe('Yes please')
  })

  it('is linear on hostile input', () => {
    const started = Date.now()
    htmlToText('<script'.repeat(200_000))
    htmlToText(`<p>${'<'.repeat(500_000)}`)
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
