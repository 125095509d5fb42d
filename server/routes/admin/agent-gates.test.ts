// The gate an agent decides with: the deployment's thresholds, then the tenant's, then the agent's
// own; stored values that do not make a gate are skipped with a warning.
import { describe, expect, it } from 'vitest'
import { DEFAULT_GATE } from '../../../agents/gate.ts'
import { gateFor } from '../../../agents/services.ts'
import { gateOverridesOf } from '../../tenant-settings.ts'

const base = { ...DEFAULT_GATE, auto: 0.9, review: 0.45, minMargin: 0.1 }

describe('gateFor', () => {
  it("uses the agent's own thresholds, else the tenant's, else the deployment's", () => {
    const overrides = {
      tenant: { auto: 0.8, minMargin: 0.2 },
      agents: { atlas: { auto: 0.999, review: 0.5 } },
    }
    expect(gateFor(base, overrides, 'atlas')).toMatchObject({ auto: 0.999, review: 0.5, minMargin: 0.2 })
    expect(gateFor(base, overrides, 'loot')).toMatchObject({ auto: 0.8, review: 0.45, minMargin: 0.2 })
    expect(gateFor(base, {}, 'atlas')).toEqual(base)
    // Inherited keys are not agents: neither Object's ('constructor') nor a prototype's gate.
    expect(gateFor(base, overrides, 'constructor')).toEqual({ ...base, auto: 0.8, minMargin: 0.2 })
    const inherited = {
      tenant: overrides.tenant,
      agents: Object.assign(Object.create({ sneaky: { auto: 0.3, review: 0.1 } }), overrides.agents),
    }
    expect(gateFor(base, inherited, 'sneaky')).toEqual({ ...base, auto: 0.8, minMargin: 0.2 })
    expect(gateFor(base, inherited, 'atlas')).toMatchObject({ auto: 0.999, review: 0.5 })
    // The rest of the gate (human-only actions …) is the deployment's.
    expect(gateFor(base, overrides, 'atlas').humanActions).toBe(base.humanActions)
  })

  it('falls back to the deployment gate when the merge contradicts itself', () => {
    expect(gateFor(base, { tenant: { auto: 0.3 } }, 'atlas')).toEqual(base)
  })
})

describe('gateOverridesOf', () => {
  it('reads valid settings', () => {
    const warnings: unknown[] = []
    const overrides = gateOverridesOf(
      {
        gate: { auto: 0.85 },
        agentGates: { atlas: { auto: 0.95, review: 0.5 }, loot: { auto: 0.7, review: 0.7 } },
      },
      (w) => warnings.push(w),
    )
    expect(overrides).toEqual({
      tenant: { auto: 0.85 },
      agents: { atlas: { auto: 0.95, review: 0.5 }, loot: { auto: 0.7, review: 0.7 } },
    })
    expect(warnings).toEqual([])
  })

  it('skips each bad value with a warning and keeps the good ones', () => {
    const warnings: Array<{ setting: string }> = []
    const overrides = gateOverridesOf(
      {
        gate: { auto: 0.2, review: 0.9 },
        agentGates: {
          atlas: { auto: 2, review: 0.1 },
          loot: { auto: 0.5, review: 0.8 },
          'Bad Name': { auto: 0.9, review: 0.1 },
          billing: { auto: 0.95, review: 0.6 },
          sales: 'high',
        },
      },
      (w) => warnings.push(w),
    )
    expect(overrides).toEqual({ agents: { billing: { auto: 0.95, review: 0.6 } } })
    expect(warnings.map((w) => w.setting)).toEqual([
      'gate',
      'agentGates.atlas',
      'agentGates.loot',
      'agentGates.Bad Name',
      'agentGates.sales',
    ])
    expect(gateOverridesOf({ agentGates: [1, 2] }, (w) => warnings.push(w))).toEqual({ agents: {} })
    expect(warnings.at(-1)).toMatchObject({ setting: 'agentGates' })
  })
})
