// Runtime configuration from environment variables, validated once at start-up with a clear error.
import { join } from 'node:path'
import { z } from 'zod'
import { DEFAULT_GATE } from '../agents/gate.ts'
import { AtlasError } from '../common/errors.ts'
import { isSecretKeyText, parseSecretKey, type SecretKey } from '../common/secret-box.ts'
import { parseInput } from '../common/validation.ts'

const number = (fallback: number) => z.coerce.number().finite().default(fallback)
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes')

const SecretKeyText = z
  .string()
  .trim()
  .refine(isSecretKeyText, 'must be a 32-byte key, as 64 hex digits or base64 (openssl rand -base64 32)')

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Where people reach this deployment: the links in notifications and survey emails. */
  ATLAS_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
    .optional(),
  ATLAS_DATA_DIR: z.string().min(1).default('.atlas-data'),
  // Encrypts channel secrets at rest (server/secret-keys.ts). Required with DATABASE_URL; the
  // zero-config demo generates one into ATLAS_DATA_DIR. Old keys (comma-separated) only decrypt.
  ATLAS_SECRET_KEY: SecretKeyText.optional(),
  ATLAS_SECRET_KEYS_OLD: z
    .string()
    .transform((list) => list.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(SecretKeyText))
    .optional(),
  ATLAS_MODEL_CACHE_DIR: z.string().min(1).optional(),
  ATLAS_DEMO_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  ATLAS_SEED_DEMO: flag(true),
  // Unset: the defaults (agents/gate.ts) and each agent's calibrated thresholds apply.
  ATLAS_GATE_AUTO: z.coerce.number().min(0).max(1).optional(),
  ATLAS_GATE_REVIEW: z.coerce.number().min(0).max(1).optional(),
  ATLAS_GATE_MIN_MARGIN: z.coerce.number().min(0).max(1).optional(),
  ATLAS_CLARIFY_MARGIN: number(0.2).pipe(z.number().min(0).max(1)),
  ATLAS_DEMO_BOOKING_URL: z.url().default('https://quillstack.io/demo'),
  // The demo tenant's channels (one of each kind, ids = kind names). Defaults let the README's curl
  // examples work; set real credentials to connect a real number, page or mailbox.
  ATLAS_DEMO_META_APP_SECRET: z.string().min(1).default('demo-meta-app-secret'),
  ATLAS_DEMO_META_VERIFY_TOKEN: z.string().min(1).default('demo-verify-token'),
  ATLAS_DEMO_GRAPH_BASE: z.url().default('https://graph.facebook.com'),
  ATLAS_DEMO_WHATSAPP_PHONE_NUMBER_ID: z
    .string()
    .regex(/^\d{1,32}$/)
    .default('100000000000001'),
  ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN: z.string().min(1).default('demo-whatsapp-access-token'),
  ATLAS_DEMO_PAGE_ACCESS_TOKEN: z.string().min(1).default('demo-page-access-token'),
  ATLAS_DEMO_EMAIL_WEBHOOK_SECRET: z.string().min(16).default('demo-email-webhook-secret'),
  ATLAS_DEMO_EMAIL_FROM: z.string().min(3).default('Quillstack Support <support@quillstack.example>'),
  ATLAS_DEMO_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:1025'),
  ATLAS_DEMO_MENTIONS_SECRET: z.string().min(16).default('demo-mentions-webhook-secret'),
  ATLAS_DEMO_MENTIONS_REPLY_URL: z.url().optional(),
  // The demo team's sign-ins for the dashboard (an admin and an agent), created on first start.
  ATLAS_DEMO_ADMIN_EMAIL: z.email().default('admin@quillstack.example'),
  ATLAS_DEMO_ADMIN_PASSWORD: z.string().min(10).default('atlas-demo-admin'),
  ATLAS_DEMO_AGENT_EMAIL: z.email().default('agent@quillstack.example'),
  ATLAS_DEMO_AGENT_PASSWORD: z.string().min(10).default('atlas-demo-agent'),
  ATLAS_MODEL: z.enum(['local', 'openai']).default('local'),
  ATLAS_AGENT_TURN_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  ATLAS_STORAGE_DIR: z.string().min(1).optional(),
  ATLAS_TRANSCRIPTION_URL: z.url().optional(),
  ATLAS_TRANSCRIPTION_API_KEY: z.string().min(1).optional(),
  ATLAS_TRANSCRIPTION_MODEL: z.string().min(1).default('whisper-1'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  OPENAI_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  OPENAI_BACKOFF_BASE_MS: z.coerce.number().int().min(0).default(500),
  OPENAI_BACKOFF_MAX_MS: z.coerce.number().int().min(0).default(20_000),
  ATLAS_AUTO_CLOSE_HOURS: number(96).pipe(z.number().positive()),
  ATLAS_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // Requests per minute, per server process (0: no limit); see server/http/rate-limit.ts.
  ATLAS_RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).default(1200),
  ATLAS_RATE_LIMIT_PER_TENANT: z.coerce.number().int().min(0).default(6000),
  ATLAS_RATE_LIMIT_WEBHOOKS: z.coerce.number().int().min(0).default(12_000),
  ATLAS_TRUST_PROXY: flag(false),
  ATLAS_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type Role = 'all' | 'server' | 'worker'

/** Requests per minute per server process (0: unlimited), and where the client's address comes from. */
export interface RateLimitSettings {
  /** From one client address (not webhooks). */
  perIp: number
  /** For one tenant: all its API keys and dashboard sessions together. */
  perTenant: number
  /** Into one webhook channel (providers post from shared addresses, so these are not per address). */
  perWebhookChannel: number
  /** Read the client's address from X-Forwarded-For (the last entry, added by your proxy). */
  trustProxy: boolean
}

export interface Config {
  role: Role
  port: number
  host: string
  /** Links in notifications and survey emails start here (ATLAS_PUBLIC_URL, else http://localhost:PORT). */
  publicUrl: string
  databaseUrl: string | undefined
  dataDir: string
  /** Seals channel secrets (ATLAS_SECRET_KEY); unset only on embedded PGlite, which generates one. */
  secretKey: SecretKey | undefined
  /** Previous keys (ATLAS_SECRET_KEYS_OLD): they still decrypt, and values are re-sealed with `secretKey`. */
  oldSecretKeys: SecretKey[]
  /** Where the trained local model is cached (default: `<dataDir>/models`). */
  modelCacheDir: string
  demoApiKey: string | undefined
  seedDemo: boolean
  /** The demo tenant's channel configs by channel id (`whatsapp`, `email`, …), refreshed at each start. */
  demoChannels: DemoChannels
  /** The demo team's dashboard accounts (created once; later starts leave them alone). */
  demoTeam: DemoTeam
  /** Gate thresholds set explicitly (ATLAS_GATE_*); unset ones come from the defaults and calibration. */
  gate: { auto?: number | undefined; review?: number | undefined; minMargin?: number | undefined }
  /** Support and sales closer than this ask the customer one clarifying question. */
  clarifyMargin: number
  /** The demo booking link Loot offers. */
  demoBookingUrl: string
  /** The deployment's default model provider; tenants may choose per agent. */
  model: 'local' | 'openai'
  /** Where attachments are stored (default: `<dataDir>/files`). */
  storageDir: string
  /** An OpenAI-compatible audio/transcriptions endpoint for voice notes; absent: a person listens. */
  transcription: { baseURL: string; apiKey: string; model: string } | undefined
  /** How often a failed agent turn is retried (after the provider's own retries) before it escalates. */
  agentTurnRetries: number
  /** Present when an OpenAI-compatible endpoint is configured. */
  openai:
    | {
        apiKey: string
        baseURL: string | undefined
        model: string
        timeoutMs: number
        maxAttempts: number
        backoff: { baseMs: number; maxMs: number }
      }
    | undefined
  autoCloseSeconds: number
  workerConcurrency: number
  rateLimits: RateLimitSettings
  /** The largest request body a route takes unless it sets its own limit (webhooks, imports). */
  maxBodyBytes: number
  logLevel: string
}

export function loadConfig(env: Record<string, string | undefined>, role: Role = 'all'): Config {
  const e = parseInput(EnvSchema, env, 'configuration', 'config_invalid')
  if (e.ATLAS_MODEL === 'openai' && !e.OPENAI_API_KEY) {
    throw new AtlasError('config_invalid', 'Invalid configuration: ATLAS_MODEL=openai needs OPENAI_API_KEY')
  }
  if (e.DATABASE_URL && !e.ATLAS_SECRET_KEY) {
    throw new AtlasError(
      'config_invalid',
      'Invalid configuration: ATLAS_SECRET_KEY is required with DATABASE_URL: it encrypts channel secrets in the database (generate one with: openssl rand -base64 32)',
    )
  }
  const [auto, review] = [e.ATLAS_GATE_AUTO ?? DEFAULT_GATE.auto, e.ATLAS_GATE_REVIEW ?? DEFAULT_GATE.review]
  if (review > auto) {
    throw new AtlasError(
      'config_invalid',
      `Invalid configuration: ATLAS_GATE_REVIEW (${review}) must not exceed ATLAS_GATE_AUTO (${auto})`,
    )
  }
  return {
    role,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.ATLAS_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.ATLAS_DATA_DIR,
    secretKey: e.ATLAS_SECRET_KEY ? parseSecretKey(e.ATLAS_SECRET_KEY, 'ATLAS_SECRET_KEY') : undefined,
    oldSecretKeys: (e.ATLAS_SECRET_KEYS_OLD ?? []).map((key, i) =>
      parseSecretKey(key, `ATLAS_SECRET_KEYS_OLD (key ${i + 1})`),
    ),
    modelCacheDir: e.ATLAS_MODEL_CACHE_DIR ?? join(e.ATLAS_DATA_DIR, 'models'),
    demoApiKey: e.ATLAS_DEMO_API_KEY,
    seedDemo: e.ATLAS_SEED_DEMO,
    demoChannels: demoChannels(e),
    demoTeam: {
      admin: { email: e.ATLAS_DEMO_ADMIN_EMAIL, password: e.ATLAS_DEMO_ADMIN_PASSWORD, name: 'Alex Admin' },
      agent: { email: e.ATLAS_DEMO_AGENT_EMAIL, password: e.ATLAS_DEMO_AGENT_PASSWORD, name: 'Sam Agent' },
    },
    gate: { auto: e.ATLAS_GATE_AUTO, review: e.ATLAS_GATE_REVIEW, minMargin: e.ATLAS_GATE_MIN_MARGIN },
    clarifyMargin: e.ATLAS_CLARIFY_MARGIN,
    demoBookingUrl: e.ATLAS_DEMO_BOOKING_URL,
    model: e.ATLAS_MODEL,
    agentTurnRetries: e.ATLAS_AGENT_TURN_RETRIES,
    storageDir: e.ATLAS_STORAGE_DIR ?? join(e.ATLAS_DATA_DIR, 'files'),
    transcription: transcriptionConfig(e),
    openai: e.OPENAI_API_KEY
      ? {
          apiKey: e.OPENAI_API_KEY,
          baseURL: e.OPENAI_BASE_URL,
          model: e.OPENAI_MODEL,
          timeoutMs: e.OPENAI_TIMEOUT_MS,
          maxAttempts: e.OPENAI_MAX_ATTEMPTS,
          backoff: { baseMs: e.OPENAI_BACKOFF_BASE_MS, maxMs: e.OPENAI_BACKOFF_MAX_MS },
        }
      : undefined,
    autoCloseSeconds: Math.round(e.ATLAS_AUTO_CLOSE_HOURS * 3600),
    workerConcurrency: e.ATLAS_WORKER_CONCURRENCY,
    rateLimits: {
      perIp: e.ATLAS_RATE_LIMIT_PER_IP,
      perTenant: e.ATLAS_RATE_LIMIT_PER_TENANT,
      perWebhookChannel: e.ATLAS_RATE_LIMIT_WEBHOOKS,
      trustProxy: e.ATLAS_TRUST_PROXY,
    },
    maxBodyBytes: e.ATLAS_MAX_BODY_BYTES,
    logLevel: e.LOG_LEVEL,
  }
}

/** Voice notes are transcribed by ATLAS_TRANSCRIPTION_* or, failing that, by the OpenAI endpoint. */
function transcriptionConfig(e: z.output<typeof EnvSchema>): Config['transcription'] {
  const baseURL =
    e.ATLAS_TRANSCRIPTION_URL ??
    e.OPENAI_BASE_URL ??
    (e.OPENAI_API_KEY ? 'https://api.openai.com/v1' : undefined)
  const apiKey = e.ATLAS_TRANSCRIPTION_API_KEY ?? e.OPENAI_API_KEY
  return baseURL && apiKey ? { baseURL, apiKey, model: e.ATLAS_TRANSCRIPTION_MODEL } : undefined
}

export interface DemoTeam {
  admin: { email: string; password: string; name: string }
  agent: { email: string; password: string; name: string }
}

export type DemoChannels = Record<
  'whatsapp' | 'email' | 'messenger' | 'instagram' | 'mentions',
  Record<string, unknown>
>

function demoChannels(e: z.output<typeof EnvSchema>): DemoChannels {
  const meta = {
    appSecret: e.ATLAS_DEMO_META_APP_SECRET,
    verifyToken: e.ATLAS_DEMO_META_VERIFY_TOKEN,
    graphBase: e.ATLAS_DEMO_GRAPH_BASE,
  }
  return {
    whatsapp: {
      ...meta,
      phoneNumberId: e.ATLAS_DEMO_WHATSAPP_PHONE_NUMBER_ID,
      accessToken: e.ATLAS_DEMO_WHATSAPP_ACCESS_TOKEN,
    },
    messenger: { ...meta, pageAccessToken: e.ATLAS_DEMO_PAGE_ACCESS_TOKEN },
    instagram: { ...meta, pageAccessToken: e.ATLAS_DEMO_PAGE_ACCESS_TOKEN },
    email: {
      from: e.ATLAS_DEMO_EMAIL_FROM,
      smtpUrl: e.ATLAS_DEMO_SMTP_URL,
      webhookSecret: e.ATLAS_DEMO_EMAIL_WEBHOOK_SECRET,
    },
    mentions: {
      webhookSecret: e.ATLAS_DEMO_MENTIONS_SECRET,
      ...(e.ATLAS_DEMO_MENTIONS_REPLY_URL ? { replyUrl: e.ATLAS_DEMO_MENTIONS_REPLY_URL } : {}),
    },
  }
}
