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
  /** A client-generated id per message; a retry with the same id is stored once. */
  messageId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only')
    .optional(),
})

export type WidgetMessage = z.infer<typeof WidgetMessageSchema>

export function parseWidgetMessage(payload: unknown, idempotencyKey?: string): NormalizedInbound[] {
  const message = parseInput(WidgetMessageSchema, payload, 'widget message')
  const clientId = message.messageId ?? idempotencyKey
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
      metadata: message.page ? { page: message.page } : {},
    },
  ]
}
