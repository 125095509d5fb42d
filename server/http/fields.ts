// Input fields several routes accept, defined once so a tag name or a priority means the same
// wherever it is sent.
import { z } from 'zod'
import { TICKET_PRIORITIES } from '../../drizzle/schema/tickets.ts'

export const TagName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40)
  .regex(/^[^\s,][^,]*$/, 'must not contain commas')

export const Priority = z.enum(TICKET_PRIORITIES)
