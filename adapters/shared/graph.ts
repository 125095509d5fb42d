// Calls to Meta's Graph API (WhatsApp Cloud API, Messenger and Instagram Send API, media): JSON in and
// out, and Graph's error object `{ error: { message, type, code, error_subcode, error_data, fbtrace_id } }`
// turned into an AtlasError that says whether a retry can help and, for the usual codes, what to do.
import type { z } from 'zod'
import type { ErrorCode } from '../../common/errors.ts'
import {
  connectionFailure,
  type ProviderFetchOptions,
  providerError,
  providerFetch,
} from './provider-error.ts'

export interface GraphCall<S extends z.ZodType> extends ProviderFetchOptions {
  method: 'GET' | 'POST'
  url: URL
  /** Sent as `Authorization: Bearer`; Messenger's Send API takes the token in the query instead. */
  bearer?: string | undefined
  body?: unknown
  /** The success body we rely on (a message id …); anything else is reported, not guessed at. */
  schema: S
}

/** Graph's codes for throttling and passing trouble: HTTP 400 or 403 on the wire, but worth a retry. */
const TRANSIENT_CODES = new Set([
  1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131000, 131016, 131048, 131056, 133004,
])
/** Access token expired or revoked: the channel's configuration must be fixed. */
const TOKEN_CODES = new Set([102, 190])
/** Missing permission or capability; with a subcode they are about this message (2018278: outside the window). */
const PERMISSION_CODES = new Set([3, 10, 200])

/** The messaging window is closed: WhatsApp 131047 (24 hours), Messenger 2018278 and Instagram 2534022. */
const WINDOW_CLOSED_CODES = new Set([131047])
const WINDOW_CLOSED_SUBCODES = new Set([2018278, 2534022])

/** What an operator should know about the codes that come up in practice. */
const HINTS: Record<number, string> = {
  131047:
    'more than 24 hours have passed since the customer last wrote: only an approved template may be sent (re-engagement required)',
  131026:
    'the message is undeliverable: the number may not use WhatsApp, may not have accepted the current terms, or runs an old app',
  131030: 'the recipient is not in the allowed list of this test number',
  131051: 'this message type is not supported',
  131052: 'the media could not be downloaded from the link',
  131053: 'the media could not be uploaded: check its type and size',
  132000: "the template's parameter count does not match its definition",
  132001: 'the template does not exist in this language, or is not approved',
  190: 'the access token has expired or was revoked: update the channel configuration',
  551: 'this person is not available right now',
  2018278: 'the reply falls outside the 24-hour messaging window',
  2534022: 'the reply falls outside the 24-hour messaging window',
  2018001: 'no person matches this recipient id (wrong page, or they deleted their account)',
}

/** Graph's error object, read leniently: an error answer is reported whatever shape it has. */
function readGraphError(json: unknown) {
  const error = (json as { error?: Record<string, unknown> } | null)?.error
  if (!error || typeof error !== 'object') return undefined
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 1000) : undefined)
  const data = error.error_data as { details?: unknown } | undefined
  return {
    message: str(error.message),
    code: num(error.code),
    subcode: num(error.error_subcode),
    details: str(data?.details),
    traceId: str(error.fbtrace_id),
    isTransient: typeof error.is_transient === 'boolean' ? error.is_transient : undefined,
  }
}

export async function graphRequest<S extends z.ZodType>(call: GraphCall<S>): Promise<z.output<S>> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (call.bearer) headers.authorization = `Bearer ${call.bearer}`
  if (call.body !== undefined) headers['content-type'] = 'application/json'
  const response = await providerFetch(
    call.url,
    { method: call.method, headers, body: call.body === undefined ? undefined : JSON.stringify(call.body) },
    call,
  )
  const text = await response.text().catch((error: unknown) => {
    throw connectionFailure(error, call)
  })
  let json: unknown
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!response.ok) throw graphError(response.status, json, text, call)
  const parsed = call.schema.safeParse(json)
  if (!parsed.success) {
    // The provider said yes but not in a shape we know: the message may well have gone out, so this
    // is not retried blindly (a retry could send it twice).
    throw providerError(
      'internal',
      `${call.what} answered ${response.status} with a body we cannot read: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
      { provider: call.provider, transient: false, status: response.status },
    )
  }
  return parsed.data
}

function graphError(status: number, json: unknown, text: string, call: GraphCall<z.ZodType>) {
  const error = readGraphError(json)
  const code = error?.code
  const transient =
    error?.isTransient ??
    (status === 429 || status >= 500 || (code !== undefined && TRANSIENT_CODES.has(code)))
  const config =
    !transient &&
    (status === 401 ||
      (code !== undefined && TOKEN_CODES.has(code)) ||
      (code !== undefined && PERMISSION_CODES.has(code) && error?.subcode === undefined))
  const windowClosed =
    (code !== undefined && WINDOW_CLOSED_CODES.has(code)) ||
    (error?.subcode !== undefined && WINDOW_CLOSED_SUBCODES.has(error.subcode))
  const atlasCode: ErrorCode = transient
    ? 'unavailable'
    : windowClosed
      ? 'window_closed'
      : config
        ? 'config_invalid'
        : 'bad_request'
  const hint =
    (error?.subcode !== undefined ? HINTS[error.subcode] : undefined) ?? (code ? HINTS[code] : undefined)
  const said = error?.details ?? error?.message ?? (text.slice(0, 200) || 'no details')
  const label = code !== undefined ? `, code ${code}${error?.subcode ? `/${error.subcode}` : ''}` : ''
  const verdict = transient ? 'failed (temporarily, retry later)' : 'refused the request'
  return providerError(
    atlasCode,
    `${call.what} ${verdict} (HTTP ${status}${label}): ${hint ? `${hint}. ` : ''}${said}`,
    {
      provider: call.provider,
      transient,
      status,
      providerCode: code,
      providerSubcode: error?.subcode,
      providerMessage: error?.details ?? error?.message,
      traceId: error?.traceId,
    },
  )
}

/** `{graphBase}/{apiVersion}/{path}` without doubled slashes. */
export function graphUrl(graphBase: string, apiVersion: string, path: string): URL {
  return new URL(`${graphBase.replace(/\/+$/, '')}/${apiVersion}/${path}`)
}
