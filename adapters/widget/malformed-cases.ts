// Generated bad chat-widget messages (test support), for the parser test and the route's end-to-end test.
import {
  type FieldSpec,
  type Malformed,
  malformedBodies,
  malformedFields,
} from '../shared/malformed-payloads.ts'

export const valid = {
  visitorId: 'visitor-123',
  text: 'How do I reset my password?',
  email: 'dana@example.com',
  name: 'Dana',
  page: 'https://quillstack.io/pricing',
  device: 'desktop',
  language: 'en-GB',
  messageId: 'client-1',
}

const fields: FieldSpec[] = [
  {
    path: 'visitorId',
    kind: 'pattern',
    max: 128,
    except: ['string'],
    bad: ['has space', 'a/b', '<script>', 'é', ' ', 'a\nb', 'a\u0000b', '../../etc'],
  },
  { path: 'text', kind: 'string', max: 4000, bad: ['   ', '\n\t', '\u00a0\u2003', '\r\n'] },
  {
    path: 'email',
    kind: 'pattern',
    optional: true,
    max: 254,
    bad: ['dana', 'dana@', '@example.com', 'a b@c.d'],
  },
  { path: 'name', kind: 'string', optional: true, max: 120, bad: ['  '] },
  { path: 'page', kind: 'string', optional: true, max: 2048 },
  { path: 'device', kind: 'literal', optional: true, bad: ['watch', 'DESKTOP', 'phone', ' desktop'] },
  {
    path: 'language',
    kind: 'pattern',
    optional: true,
    except: ['string'],
    bad: ['english', 'e', 'en_GB!', 'en-', 'en GB', '123', 'en-GB-', 'x'.repeat(50)],
  },
  {
    path: 'messageId',
    kind: 'pattern',
    optional: true,
    max: 128,
    except: ['string'],
    bad: ['with space', 'a/b', 'é', 'a\nb'],
  },
]

export function widgetMalformedCases(): Malformed[] {
  return [
    ...malformedFields(valid, fields),
    ...malformedBodies(valid, 11),
    // The body is strict: fields a browser must not set are refused, not ignored.
    ...[
      'isAdmin',
      'tenantId',
      'ticketId',
      'contactId',
      'conversationId',
      'status',
      'author',
      'direction',
      'channel',
      'providerMessageId',
      'createdAt',
      'role',
      'id',
      'kind',
      'metadata',
    ].map((key) => ({ name: `unknown field ${key}`, payload: { ...valid, [key]: 'x' } })),
    { name: 'prototype pollution', payload: JSON.parse(`{"visitorId":"v","text":"hi","__proto__":{"x":1}}`) },
    { name: 'country from the browser', payload: { ...valid, country: 'US' } },
  ]
}
