// A fake OpenAI chat-completions server for tests: a real HTTP server on 127.0.0.1 that answers with
// scripted replies in the exact wire format, so the real client (openai SDK via LangChain) runs end to end.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { REPLY_TOOL, type ReplyOutput } from '../agents/openai/compose.ts'
import { TRIAGE_TOOL, type TriageOutput } from '../agents/openai/triage.ts'

export interface FakeToolCall {
  name: string
  /** The raw JSON string the model sends (may be deliberately malformed). */
  arguments: string
  id?: string
}

export interface FakeUsage {
  promptTokens: number
  completionTokens: number
}

/** A successful completion: text content, tool calls, or both. */
export interface FakeCompletion {
  content?: string | null
  toolCalls?: FakeToolCall[]
  /** Omitted: zero tokens. */
  usage?: FakeUsage
  /** Defaults to `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter'
}

/** An error in OpenAI's shape: `{ error: { message, type, param, code } }` with the given status. */
export interface FakeError {
  status: number
  message: string
  type?: string
  code?: string | null
  headers?: Record<string, string>
}

/** Waits before answering (longer than the client's timeout to simulate one). */
export interface FakeDelay {
  delayMs: number
  reply: FakeReply
}

/** Drops the connection without an answer: the client sees a network error. */
export interface FakeDisconnect {
  disconnect: true
}

/** A body sent as is (garbage: not JSON, or JSON that is no completion), with a status (200 by default). */
export interface FakeRaw {
  raw: string
  status?: number
  contentType?: string
}

export interface FakeRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** The parsed JSON body (`model`, `messages`, `tools`, `tool_choice` …). */
  body: ChatCompletionRequestBody
}

/** The parts of a chat-completions request body tests look at; the rest passes through untyped. */
export interface ChatCompletionRequestBody {
  model: string
  messages: Array<{
    role: string
    content: string | null | unknown[]
    tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>
    tool_call_id?: string
  }>
  tools?: Array<{
    type: string
    function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean }
  }>
  tool_choice?: unknown
  [key: string]: unknown
}

export type FakeReply =
  | FakeCompletion
  | FakeError
  | FakeDelay
  | FakeDisconnect
  | FakeRaw
  | ((request: FakeRequest) => FakeReply | Promise<FakeReply>)

export interface FakeOpenAI {
  /** Base URL to pass as `baseURL`, including `/v1`. */
  readonly url: string
  /** Every chat-completions request received, in order. */
  readonly requests: FakeRequest[]
  /** Queues replies, answered one per request in order. */
  enqueue(...replies: FakeReply[]): void
  /** Replies still queued (a test can assert its script was used up). */
  pending(): number
  close(): Promise<void>
}

const PATHS = new Set(['/v1/chat/completions', '/chat/completions'])

export interface FakeOpenAIOptions {
  /** Answers every request the queue has no reply for (without it, such a request gets a 500). */
  fallback?: FakeReply
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const queue: FakeReply[] = []
  const requests: FakeRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  let sequence = 0

  const sleep = (ms: number, req: IncomingMessage) =>
    new Promise<void>((resolve) => {
      // A client that gave up (timeout) closes the socket: stop waiting, nobody will read the answer.
      const closed = () => {
        clearTimeout(timer)
        timers.delete(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        timers.delete(timer)
        // Keep-alive sockets carry many requests: each takes its listener off again.
        req.socket.off('close', closed)
        resolve()
      }, ms)
      timers.add(timer)
      req.socket.once('close', closed)
    })

  async function answer(reply: FakeReply, request: FakeRequest, req: IncomingMessage, res: ServerResponse) {
    if (typeof reply === 'function') return answer(await reply(request), request, req, res)
    if ('disconnect' in reply) {
      req.socket.destroy()
      return
    }
    if ('delayMs' in reply) {
      await sleep(reply.delayMs, req)
      if (req.socket.destroyed) return
      return answer(reply.reply, request, req, res)
    }
    if ('raw' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' })
      res.end(reply.raw)
      return
    }
    if ('status' in reply) {
      sendJson(res, reply.status, errorBody(reply.message, reply.type, reply.code), reply.headers)
      return
    }
    sequence++
    sendJson(res, 200, completionBody(reply, request.body.model, sequence))
  }

  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      if (req.method !== 'POST' || !PATHS.has(path)) {
        sendJson(res, 404, errorBody(`Unknown route ${req.method} ${path}`, 'invalid_request_error', null))
        return
      }
      const raw = await readBody(req)
      let body: ChatCompletionRequestBody
      try {
        body = JSON.parse(raw) as ChatCompletionRequestBody
      } catch {
        sendJson(
          res,
          400,
          errorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null),
        )
        return
      }
      if (typeof body.model !== 'string' || !Array.isArray(body.messages)) {
        sendJson(res, 400, errorBody("'model' and 'messages' are required.", 'invalid_request_error', null))
        return
      }
      const request: FakeRequest = { method: req.method, path, headers: req.headers, body }
      requests.push(request)
      const reply = queue.shift() ?? options.fallback
      if (reply === undefined) {
        sendJson(
          res,
          500,
          errorBody(
            `fake-openai: no reply queued for request #${requests.length} (call enqueue() before the request)`,
            'server_error',
            null,
          ),
        )
        return
      }
      await answer(reply, request, req, res)
    } catch (error) {
      if (!res.headersSent && !req.socket.destroyed) {
        const message = error instanceof Error ? error.message : String(error)
        sendJson(res, 500, errorBody(`fake-openai: ${message}`, 'server_error', null))
      }
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies)
    },
    pending: () => queue.length,
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function completionBody(reply: FakeCompletion, model: string, sequence: number) {
  const toolCalls = reply.toolCalls?.map((call, i) => ({
    id: call.id ?? `call_${sequence}_${i + 1}`,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }))
  const hasToolCalls = toolCalls !== undefined && toolCalls.length > 0
  const usage = reply.usage ?? { promptTokens: 0, completionTokens: 0 }
  return {
    id: `chatcmpl-fake${sequence}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content ?? null,
          refusal: null,
          ...(hasToolCalls ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: reply.finishReason ?? (hasToolCalls ? 'tool_calls' : 'stop'),
      },
    ],
    usage: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
    },
  }
}

function errorBody(message: string, type: string | undefined, code: string | null | undefined) {
  return { error: { message, type: type ?? 'server_error', param: null, code: code ?? null } }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': `req_fake_${Date.now()}`,
    ...headers,
  })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

// Scripting the structured answers the `openai` model asks for (function calling: it offers a
// function per structured answer and the model replies by calling it).

/** A completion calling one tool with these arguments (serialised as the model would). */
export function toolCallCompletion(name: string, args: unknown, usage?: FakeUsage): FakeCompletion {
  return { toolCalls: [{ name, arguments: JSON.stringify(args) }], ...(usage ? { usage } : {}) }
}

/** The model's triage: each head's label and confidence, e.g. `{ action: ['refund', 0.9], … }`. */
export function triageCompletion(
  labels: { [H in keyof TriageOutput]: [TriageOutput[H]['label'], number] },
  usage?: FakeUsage,
): FakeCompletion {
  const head = ([label, confidence]: [string, number]) => ({ label, confidence })
  return toolCallCompletion(
    TRIAGE_TOOL,
    {
      category: head(labels.category),
      intent: head(labels.intent),
      urgency: head(labels.urgency),
      action: head(labels.action),
    },
    usage,
  )
}

/** The model's final reply to a compose request. */
export function replyCompletion(reply: ReplyOutput, usage?: FakeUsage): FakeCompletion {
  return toolCallCompletion(REPLY_TOOL, reply, usage)
}
