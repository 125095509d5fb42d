// The chat widget's inbound payload: what a visitor typed, who they are, and where they were.
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import type { NormalizedInbound } from '../types.ts'

const trimmed = (max: number) => z.string().trim().max(max)

export const WidgetMessageSchema = z.strictObject({
  /** A stable id the widget keeps in the visitor's browser (localStorage). */
  visitorId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only'),
  text: trimmed(4000).min(1, 'must not be empty'),
  email: z.email().max(254).optional(),
  name: trimmed(120).min(1).optional(),
  /** The page the visitor was on (URL or path). */
  page: trimmed(2048).optional(),
  /** What the widget tells about the browser, for the customer profile. */
  device: z.enum(['mobile', 'tablet', 'desktop']).optional(),
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag like en or pt-BR')
    .optional(),
  /** A client-generated id per message; a retry with the same id is stored once. */
  messageId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only')
    .optional(),
})

export type WidgetMessage = z.infer<typeof WidgetMessageSchema>

/** What the server knows about the request beyond its body. */
export interface WidgetRequestContext {
  idempotencyKey?: string | undefined
  /** From a proxy header (CF-IPCountry and the like), never from the browser. */
  country?: string | undefined
}

export function parseWidgetMessage(
  payload: unknown,
  context: WidgetRequestContext = {},
): NormalizedInbound[] {
  const message = parseInput(WidgetMessageSchema, payload, 'widget message')
  const clientId = message.messageId ?? context.idempotencyKey
  return [
    {
      // Namespaced by visitor: two visitors may well pick the same client id.
      providerMessageId: clientId ? `${message.visitorId}:${clientId}` : null,
      kind: 'text',
      text: message.text,
      contact: {
        identity: { kind: 'visitor', value: message.visitorId },
        name: message.name,
        email: message.email,
      },
      metadata: Object.fromEntries(
        Object.entries({
          page: message.page,
          device: message.device,
          language: message.language,
          country: context.country,
        }).filter(([, value]) => value !== undefined),
      ),
    },
  ]
}
