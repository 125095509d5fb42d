// Speech to text for voice notes through any OpenAI-compatible endpoint (OpenAI, Groq, a local
// whisper server): `POST {baseURL}/audio/transcriptions` with a multipart `file` and `model`,
// answered `{ text }`. Failures are typed like the other model calls, and say whether to retry.
import { z } from 'zod'
import type { ErrorCode } from '../../common/errors.ts'
import { parseInput } from '../../common/validation.ts'
import { connectionFailure, providerError, providerFetch } from '../shared/provider-error.ts'

/** OpenAI's upload limit for transcription. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024

export const TranscriptionOptionsSchema = z.object({
  /** Including the version path, e.g. `https://api.openai.com/v1`. */
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  apiKey: z.string().min(1).max(4096),
  model: z.string().min(1).max(200),
  /** The provider guesses the format from the extension; without one it is derived from the MIME type. */
  filename: z.string().min(1).max(255).optional(),
  mimeType: z.string().min(1).max(255),
  /** ISO-639-1 hint (`en`, `de` …); omitted: the model detects the language. */
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'must be an ISO-639-1 code')
    .optional(),
  timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
})

export type TranscriptionOptions = z.input<typeof TranscriptionOptionsSchema>

export interface Transcription {
  text: string
}

const Answer = z.object({ text: z.string().max(1_000_000) })

const EXTENSIONS: Record<string, string> = {
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/m4a': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'm4a',
  'audio/amr': 'amr',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/webm': 'webm',
  'audio/flac': 'flac',
}

export async function transcribe(audio: Uint8Array, options: TranscriptionOptions): Promise<Transcription> {
  const config = parseInput(TranscriptionOptionsSchema, options, 'transcription options', 'config_invalid')
  if (audio.byteLength === 0) throw permanent('bad_request', 'The audio to transcribe is empty')
  if (audio.byteLength > MAX_AUDIO_BYTES) {
    throw permanent(
      'payload_too_large',
      `The audio is ${audio.byteLength} bytes, over the ${MAX_AUDIO_BYTES}-byte limit`,
    )
  }
  const form = new FormData()
  form.set('file', new Blob([audio as Uint8Array<ArrayBuffer>], { type: config.mimeType }), filename(config))
  form.set('model', config.model)
  form.set('response_format', 'json')
  if (config.language) form.set('language', config.language)

  const fetchOptions = {
    provider: 'transcription',
    what: `Transcription (${config.model})`,
    timeoutMs: config.timeoutMs,
    timeoutCode: 'model_timeout' as const,
    networkCode: 'model_unavailable' as const,
  }
  const url = new URL(`${config.baseURL.replace(/\/+$/, '')}/audio/transcriptions`)
  const response = await providerFetch(
    url,
    { method: 'POST', headers: { authorization: `Bearer ${config.apiKey}` }, body: form },
    fetchOptions,
  )
  const text = await response.text().catch((error: unknown) => {
    throw connectionFailure(error, fetchOptions)
  })
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  if (!response.ok) throw failure(response.status, json, text, fetchOptions.what)
  const answer = Answer.safeParse(json)
  if (!answer.success) {
    throw providerError(
      'model_malformed_output',
      `${fetchOptions.what} answered without a text: ${text.slice(0, 200)}`,
      {
        provider: 'transcription',
        transient: false,
        status: response.status,
      },
    )
  }
  return { text: answer.data.text.trim() }
}

/** OpenAI's error shape `{ error: { message, type, code } }`, read leniently. */
function failure(status: number, json: unknown, text: string, what: string) {
  const error = (json as { error?: { message?: unknown; code?: unknown } } | undefined)?.error
  const said =
    typeof error?.message === 'string' ? error.message.slice(0, 500) : text.slice(0, 200) || 'no details'
  const providerCode = typeof error?.code === 'string' ? error.code : undefined
  // 429 is a rate limit, unless the account is out of credit: that needs a person.
  const quota = providerCode === 'insufficient_quota'
  const transient = !quota && (status === 429 || status >= 500)
  const code: ErrorCode = transient
    ? status === 429
      ? 'model_rate_limited'
      : 'model_unavailable'
    : status === 401 || status === 403 || quota
      ? 'config_invalid'
      : status === 413
        ? 'payload_too_large'
        : 'bad_request'
  return providerError(code, `${what} failed with HTTP ${status}: ${said}`, {
    provider: 'transcription',
    transient,
    status,
    providerCode,
  })
}

function filename(config: z.output<typeof TranscriptionOptionsSchema>): string {
  if (config.filename && /\.[A-Za-z0-9]{2,5}$/.test(config.filename)) return config.filename
  const base = config.mimeType.split(';')[0]!.trim().toLowerCase()
  return `${config.filename ?? 'audio'}.${EXTENSIONS[base] ?? base.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? 'bin'}`
}

function permanent(code: ErrorCode, message: string) {
  return providerError(code, message, { provider: 'transcription', transient: false })
}
