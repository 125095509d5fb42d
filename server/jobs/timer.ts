// Job: a durable timer fired. The machine recognises a stale token and ignores it.
import type { TimerJob } from '../../machines/host/outbox.ts'
import type { JobContext, JobHandler } from './context.ts'

export function timerHandler({ host }: JobContext): JobHandler<TimerJob> {
  return async (job) => {
    const { ticketId, timer, token, phase, onBreach } = job.data
    await host.dispatch(
      ticketId,
      { type: 'TIMER', timer, token, ...(phase ? { phase } : {}), ...(onBreach ? { onBreach } : {}) },
      {
        actor: { kind: 'system', id: 'timer' },
        // The same timer firing twice (two workers, a redelivered job) applies once.
        idempotencyKey: `timer:${timer}:${token}${phase ? `:${phase}` : ''}`,
      },
    )
  }
}
