// Jobs in the trace: sending one is a PRODUCER span whose context rides in the job's data; working
// it is a CONSUMER span continuing that trace (a job scheduled for later starts its own, linked).
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api'
import type { JobWithMetadata } from 'pg-boss'
import { setSpanAttributes, traceContextOf, withSpan, withTraceContext } from '../../common/tracing.ts'
import { withJobTenant } from './job-tenant.ts'

const messaging = (queue: string, operation: 'send' | 'process') => ({
  'messaging.system': 'pg-boss',
  'messaging.operation.type': operation,
  'messaging.operation.name': operation,
  'messaging.destination.name': queue,
})

/** Sends through `send` with the trace context in the data; `scheduled`: the job runs later. */
export function sendTraced<T extends object>(
  queue: string,
  data: T,
  scheduled: boolean,
  send: (data: T) => Promise<string | null>,
): Promise<void> {
  return withSpan(
    `send ${queue}`,
    messaging(queue, 'send'),
    async (span) => {
      // The sender's tenant rides along too: the job's handler runs in that tenant's scope.
      const id = await send(withTraceContext(withJobTenant(data), { link: scheduled }))
      // A singleton already queued: nothing new was sent.
      setSpanAttributes(span, id ? { 'messaging.message.id': id } : { 'atlas.job.deduplicated': true })
    },
    { kind: SpanKind.PRODUCER },
  )
}

/** Runs a job's handler inside its CONSUMER span. */
export function processTraced<T>(
  queue: string,
  job: JobWithMetadata<T>,
  run: () => Promise<void>,
): Promise<void> {
  const sender = traceContextOf(job.data)
  const senderSpan = sender && trace.getSpanContext(sender.context)
  const attributes = {
    ...messaging(queue, 'process'),
    'messaging.message.id': job.id,
    'atlas.job.attempt': job.retryCount + 1,
  }
  const options =
    sender && senderSpan && !sender.link
      ? { kind: SpanKind.CONSUMER, parent: sender.context }
      : {
          kind: SpanKind.CONSUMER,
          parent: ROOT_CONTEXT,
          ...(senderSpan ? { links: [{ context: senderSpan }] } : {}),
        }
  return withSpan(`process ${queue}`, attributes, run, options)
}
