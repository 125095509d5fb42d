// The runtime's metrics through the OpenTelemetry API: no-ops until server/telemetry.ts registers a
// meter provider. Instruments are made on first use after a provider is registered (the metrics API
// has no proxy: a meter taken before registration stays a no-op).
import { type Meter, metrics } from '@opentelemetry/api'

function createInstruments(meter: Meter) {
  return {
    meter,
    ingested: meter.createCounter('atlas.messages.ingested', {
      description: 'Inbound messages stored and queued (duplicates excluded)',
      unit: '{message}',
    }),
    triageDuration: meter.createHistogram('atlas.triage.duration', {
      description: 'Time an agent turn took to decide (classify, route, retrieve, compose, gate)',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
    }),
    gateOutcomes: meter.createCounter('atlas.gate.outcomes', {
      description: 'Agent decisions by the action the gate chose',
      unit: '{decision}',
    }),
    deliveryFailures: meter.createCounter('atlas.delivery.failures', {
      description:
        'Replies that could not be delivered (after the last attempt, or reported by the provider)',
      unit: '{message}',
    }),
    slaBreaches: meter.createCounter('atlas.sla.breaches', {
      description: 'SLA targets missed',
      unit: '{breach}',
    }),
    modelDuration: meter.createHistogram('gen_ai.client.operation.duration', {
      description: 'GenAI operation duration',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48],
      },
    }),
    modelTokens: meter.createHistogram('gen_ai.client.token.usage', {
      description: 'Tokens used per GenAI operation',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144] },
    }),
  }
}

type Instruments = ReturnType<typeof createInstruments>

let cached: { provider: unknown; instruments: Instruments } | undefined

/** The instruments of the meter provider registered now. */
export function instruments(): Instruments {
  const provider = metrics.getMeterProvider()
  if (cached?.provider !== provider) {
    cached = { provider, instruments: createInstruments(provider.getMeter('atlas-desk')) }
  }
  return cached.instruments
}
