import { describe, expect, it } from 'vitest'
import { AtlasError } from '../../common/errors.ts'
import { parseWidgetMessage } from './parse.ts'

describe('widget payload', () => {
  it('normalizes a visitor message with contact details and the page', () => {
    const [message] = parseWidgetMessage({
      visitorId: 'v-123',
      text: '  How do I reset my password?  ',
      email: 'sam@example.com',
      name: 'Sam',
      page: '/pricing',
      messageId: 'c-1',
    })
    expect(message).toEqual({
      providerMessageId: 'v-123:c-1',
      kind: 'text',
      text: 'How do I reset my password?',
      contact: { identity: { kind: 'visitor', value: 'v-123' }, name: 'Sam', email: 'sam@example.com' },
      metadata: { page: '/pricing' },
    })
  })

  it('keeps device, language and the country a proxy told the server', () => {
    const [message] = parseWidgetMessage(
      { visitorId: 'v', text: 'hi', device: 'mobile', language: 'pt-BR', page: '/' },
      { country: 'PT' },
    )
    expect(message!.metadata).toEqual({ page: '/', device: 'mobile', language: 'pt-BR', country: 'PT' })
  })

  it('uses the Idempotency-Key header when the body has no message id', () => {
    expect(
      parseWidgetMessage({ visitorId: 'v', text: 'hi' }, { idempotencyKey: 'key-9' })[0]!.providerMessageId,
    ).toBe('v:key-9')
    expect(parseWidgetMessage({ visitorId: 'v', text: 'hi' })[0]!.providerMessageId).toBeNull()
  })

  it.each([
    [{ text: 'hi' }, 'visitorId'],
    [{ visitorId: 'v', text: '   ' }, 'text: must not be empty'],
    [{ visitorId: 'v', text: 'x'.repeat(4001) }, 'text'],
    [{ visitorId: 'v w', text: 'hi' }, 'visitorId: use letters'],
    [{ visitorId: 'v', text: 'hi', email: 'not-an-email' }, 'email'],
    [{ visitorId: 'v', text: 'hi', admin: true }, 'admin'],
    [{ visitorId: 'v', text: 42 }, 'text'],
    ['just a string', '(root)'],
    [null, '(root)'],
  ])('rejects %j with a message naming the problem', (payload, expected) => {
    try {
      parseWidgetMessage(payload)
      expect.unreachable('should have thrown')
    } catch (error) {
      expect(error).toBeInstanceOf(AtlasError)
      expect((error as AtlasError).code).toBe('validation_failed')
      expect((error as AtlasError).message).toContain(expected)
    }
  })
})
