// Postmark's inbound webhook JSON. Postmark's `MessageID` is its own id, not the RFC Message-ID: the
// threading ids are read from `Headers`.
import { z } from 'zod'
import { parseInput } from '../../common/validation.ts'
import { decodeJsonPayload } from '../shared/json-payload.ts'
import {
  cleanName,
  EmailAddress,
  normalizeMessageId,
  normalizeReferences,
  parseMailbox,
} from './addresses.ts'
import { htmlToText } from './html-text.ts'
import { attachmentKind, type InboundEmail, isAutomatic, MAX_EMAIL_BYTES } from './inbound-email.ts'

const Body = z.string().max(MAX_EMAIL_BYTES).nullish()
const Line = z.string().max(10_000).nullish()

export const PostmarkInboundSchema = z
  .object({
    From: Line,
    FromName: Line,
    FromFull: z.object({ Email: EmailAddress, Name: Line, MailboxHash: Line }).optional(),
    To: z.string().max(100_000).nullish(),
    Subject: Line,
    MessageID: Line,
    Date: Line,
    MailboxHash: Line,
    TextBody: Body,
    HtmlBody: Body,
    StrippedTextReply: Body,
    Headers: z
      .array(z.object({ Name: z.string().min(1).max(1000), Value: z.string().max(100_000) }))
      .max(1000)
      .default([]),
    Attachments: z
      .array(
        z.object({
          Name: z.string().max(1000),
          Content: z.base64('must be base64').max(MAX_EMAIL_BYTES),
          ContentType: z.string().min(1).max(255),
          ContentLength: z.number().int().nonnegative(),
          ContentID: Line,
        }),
      )
      .max(200)
      .default([]),
  })
  .superRefine((email, ctx) => {
    if (!email.FromFull && !(email.From && parseMailbox(email.From))) {
      ctx.addIssue({
        code: 'custom',
        path: ['From'],
        message: 'the email has no sender address (From or FromFull.Email)',
      })
    }
  })

export function readPostmark(payload: unknown): InboundEmail {
  const json = decodeJsonPayload(payload, 'Postmark inbound email', MAX_EMAIL_BYTES)
  const email = parseInput(PostmarkInboundSchema, json, 'Postmark inbound email')
  const mailbox = email.FromFull
    ? { address: email.FromFull.Email, name: email.FromFull.Name || email.FromName || undefined }
    : parseMailbox(email.From!)!
  const header = (name: string) => email.Headers.find((h) => h.Name.toLowerCase() === name)?.Value
  const text = (email.TextBody?.trim() ? email.TextBody : htmlToText(email.HtmlBody ?? '')).replace(
    /\r\n?/g,
    '\n',
  )
  const date = email.Date ? new Date(email.Date) : undefined
  return {
    from: { address: mailbox.address, name: cleanName(mailbox.name) },
    subject: (email.Subject ?? '').trim(),
    messageId: normalizeMessageId(header('message-id')),
    inReplyTo: normalizeMessageId(header('in-reply-to')),
    references: normalizeReferences(
      email.Headers.filter((h) => h.Name.toLowerCase() === 'references').map((h) => h.Value),
    ),
    text: text.trim(),
    strippedReply: email.StrippedTextReply?.trim() || undefined,
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    attachments: email.Attachments.map((a) => {
      const content = new Uint8Array(Buffer.from(a.Content, 'base64'))
      return {
        kind: attachmentKind(a.ContentType),
        mimeType: a.ContentType,
        ...(a.Name ? { filename: a.Name } : {}),
        size: content.byteLength,
        content,
      }
    }),
    automatic: isAutomatic(header, mailbox.address),
    metadata: {
      ...(email.MessageID ? { postmarkMessageId: email.MessageID } : {}),
      ...(email.MailboxHash ? { mailboxHash: email.MailboxHash } : {}),
    },
  }
}
