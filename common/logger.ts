// The structured logger (pino). Library code logs through this, never console.log.
import { pino } from 'pino'

export type Logger = pino.Logger

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'atlas',
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    // Message bodies, emails and phones are personal data: never log them by field name.
    redact: {
      paths: ['*.body', '*.text', '*.email', '*.phone', 'body', 'text', 'email', 'phone'],
      censor: '[redacted]',
    },
  })
}

/** A logger that drops everything, for tests and embedded use. */
export const silentLogger: Logger = pino({ level: 'silent' })
