// Separates what a customer just wrote from what their mail client added: the quoted history of the
// thread (`On … wrote:`, `>` lines, Outlook's `-----Original Message-----` and `From:/Sent:` blocks,
// Gmail/Outlook separators) and the signature (`-- `, mobile taglines, a sign-off with a short name
// block). The agent reads only the new text; operators still see everything.

export interface StrippedReply {
  /** The new text, trimmed; empty when the message was only quote and signature. */
  text: string
  /** The quoted history that was cut off, if any. */
  quote: string | null
  /** The signature (or sign-off with its name block) that was cut off, if any. */
  signature: string | null
}

/** A quote header on one line (`On Tue, 5 Mar 2024 at 10:02, Sam <sam@x.com> wrote:`), in a few languages. */
const ATTRIBUTION =
  /^\s*(on|le|el|il|op|em|den|på)\s.{0,400}\s(wrote|a écrit|escribió|ha scritto|schreef|escreveu|skrev)\s*:\s*$/i
/** German and Dutch name the sender after the verb: `Am 05.03.2024 um 10:02 schrieb Sam <sam@x.com>:`. */
const ATTRIBUTION_VERB_FIRST = /^\s*(am|op|den)\s.{0,200}\s(schrieb|schreef|skrev)\s.{0,300}:\s*$/i
/** Outlook and others: `-----Original Message-----`, `-----Ursprüngliche Nachricht-----` … */
const ORIGINAL_MESSAGE =
  /^\s*-{3,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht)\s*-{3,}\s*$/i
/** Outlook's underscore rule above the quoted message's header block. */
const RULE = /^\s*_{10,}\s*$/
/** The first two lines of an Outlook header block: `From: …` then `Sent:`/`Date:` within a few lines. */
const HEADER_FROM = /^\s*\*?(from|von|de|da|van)\s*:\*?\s+\S/i
const HEADER_DATE = /^\s*\*?(sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden)\s*:\*?\s+\S/i
const QUOTED = /^\s*>/
/** RFC 3676 signature delimiter (clients often drop its trailing space). */
const DELIMITER = /^--\s?$/
const MOBILE_TAGLINE =
  /^\s*(sent from my \w[\w\s-]{0,40}|sent from (mail|outlook) for \w+|get outlook for (ios|android)|sent from yahoo mail.*|envoyé de mon \w+|von meinem \w+ gesendet)\s*$/i
const SIGN_OFF =
  /^\s*(thanks|thank you|thanks again|many thanks|thanks so much|thx|cheers|best|best regards|best wishes|kind regards|warm regards|regards|sincerely|yours|all the best|talk soon|br|merci|merci beaucoup|cordialement|danke|viele grüße|mit freundlichen grüßen|lg|gracias|saludos|un saludo|grazie)[\s,.!]*$/i

export function stripReply(input: string): StrippedReply {
  const lines = input.replace(/\r\n?/g, '\n').split('\n')
  const quoteAt = findQuoteStart(lines)
  const body = quoteAt === -1 ? lines : lines.slice(0, quoteAt)
  const quoted = quoteAt === -1 ? [] : lines.slice(quoteAt)
  // Inline `>` lines left above the cut (interleaved replies) are quotes too.
  const own = body.filter((line) => !QUOTED.test(line))
  const removedInline = body.filter((line) => QUOTED.test(line))
  const quote = [...removedInline, ...quoted].join('\n').trim()

  const signatureAt = findSignatureStart(own)
  let kept = signatureAt === -1 ? own : own.slice(0, signatureAt)
  let signature = signatureAt === -1 ? '' : own.slice(signatureAt).join('\n').trim()
  if (tidy(kept).length === 0 && signatureAt !== -1 && !DELIMITER.test(own[signatureAt]!)) {
    // "Thanks!\nSam" on its own is the message, not a signature.
    kept = own
    signature = ''
  }
  return { text: tidy(withoutGreeting(kept)), quote: quote || null, signature: signature || null }
}

/** Convenience: only the new text. */
export function stripQuotedReply(input: string): string {
  return stripReply(input).text
}

function findQuoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (isAttribution(line) || ORIGINAL_MESSAGE.test(line)) return i
    // Gmail wraps long attributions: "On Tue, 5 Mar 2024 at 10:02, Sam Smith <\nsam@example.com> wrote:"
    if (/^\s*(on|le|am|el|op)\s/i.test(line)) {
      for (let span = 2; span <= 3 && i + span <= lines.length; span++) {
        if (isAttribution(lines.slice(i, i + span).join(' '))) return i
      }
    }
    if (RULE.test(line) && lines.slice(i + 1, i + 3).some((next) => HEADER_FROM.test(next))) return i
    if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 5).some((next) => HEADER_DATE.test(next))) return i
    // A trailing block of quoted lines (top-posting without an attribution we recognise).
    if (QUOTED.test(line) && lines.slice(i).every((rest) => QUOTED.test(rest) || rest.trim() === '')) return i
  }
  return -1
}

function isAttribution(line: string): boolean {
  return ATTRIBUTION.test(line) || ATTRIBUTION_VERB_FIRST.test(line)
}

function findSignatureStart(lines: string[]): number {
  let end = lines.findIndex((line) => DELIMITER.test(line) || MOBILE_TAGLINE.test(line))
  if (end === -1) end = lines.length
  // A sign-off followed by at most a short name block (name, role, company, phone) up to the
  // signature proper: "Thanks,\nDana\n-- \nDana Reyes, Acme" loses both.
  for (let i = end - 1; i >= 0; i--) {
    if (!SIGN_OFF.test(lines[i]!)) continue
    const after = lines.slice(i + 1, end).filter((line) => line.trim() !== '')
    if (after.length <= 5 && after.every((line) => line.trim().length <= 60)) return i
    break
  }
  return end === lines.length ? -1 : end
}

/** A salutation on its own line ("Hi,", "Hello team,", "Dear Support,"): nothing for the agent to read. */
const GREETING =
  /^\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings|hallo|guten tag|bonjour|hola|ciao)\b[^.?!\n]{0,40}[,!:]?\s*$/i

function withoutGreeting(lines: string[]): string[] {
  const first = lines.findIndex((line) => line.trim() !== '')
  if (first === -1 || !GREETING.test(lines[first]!)) return lines
  const rest = lines.slice(first + 1)
  return rest.some((line) => line.trim() !== '') ? rest : lines
}

/** Trims the ends and collapses runs of blank lines. */
function tidy(lines: string[]): string {
  return lines
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
