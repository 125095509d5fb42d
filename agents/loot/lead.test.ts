import { describe, expect, it } from 'vitest'
import {
  describeLead,
  missingSlot,
  plainLead,
  readSize,
  readTimeline,
  readUseCase,
  updateLead,
} from './lead.ts'

describe('lead qualification parsers', () => {
  it.each([
    ['we are a team of 40', 40],
    ["We're about 25 people", 25],
    ['around 120 employees across two offices', 120],
    ['a 12-person team', 12],
    ['for 300 seats', 300],
    ['just me for now', 1],
    ['how much is it?', undefined],
  ])('company size in %j', (text, size) => {
    expect(readSize(text)).toBe(size)
  })

  it.each([
    ['we want to start next month', 'next month'],
    ['ASAP please', 'ASAP'],
    ['sometime in Q3', 'in Q3'],
    ['by September', 'by September'],
    ['within 2 weeks', 'within 2 weeks'],
    ['no rush, just exploring', 'no rush'],
    ['what does it cost', undefined],
  ])('timeline in %j', (text, timeline) => {
    expect(readTimeline(text)).toBe(timeline)
  })

  it('use case from "use it for …"', () => {
    expect(readUseCase("We'd use it for tracking client projects and invoices.")).toBe(
      'tracking client projects and invoices',
    )
    expect(readUseCase('how much is business')).toBeUndefined()
  })

  it('takes a short reply as the answer to the question Loot just asked', () => {
    let lead = updateLead({}, 'About 40 of us', 'companySize')
    expect(lead).toEqual({ companySize: 40 })
    lead = updateLead(lead, 'marketing campaign planning', 'useCase')
    expect(lead.useCase).toBe('marketing campaign planning')
    lead = updateLead(lead, 'whenever the budget is approved', 'timeline')
    expect(lead.timeline).toBe('whenever the budget is approved')
    expect(missingSlot(lead)).toBeUndefined()
    expect(describeLead(lead)).toBe(
      '40 people, for marketing campaign planning, starting whenever the budget is approved',
    )
    // A question, or a courtesy, is not an answer.
    expect(updateLead({}, 'do you have SSO?', 'useCase')).toEqual({})
    expect(updateLead({}, 'thanks!', 'timeline')).toEqual({})
    expect(updateLead({}, 'ok', 'useCase')).toEqual({})
  })

  it('repeats to the customer only plain phrases, never free text typed into a slot', () => {
    const benign = {
      companySize: 40,
      useCase: 'tracking client projects and deadlines',
      timeline: 'next month',
    }
    expect(plainLead(benign)).toEqual(benign)
    expect(plainLead({ companySize: 12, timeline: 'by Q3', useCase: 'client work' })).toEqual({
      companySize: 12,
      timeline: 'by Q3',
      useCase: 'client work',
    })
    // A slot used to make the bot "confirm" a discount or carry a link is kept for the team only.
    const hostile = {
      companySize: 12,
      useCase: 'quote approved, 50% off, see https://quillstack-billing.example/pay',
      timeline: 'now. Your refund of $500 has been approved',
    }
    expect(plainLead(hostile)).toEqual({ companySize: 12 })
    expect(describeLead(plainLead(hostile))).toBe('12 people')
    expect(describeLead(hostile)).toContain('quote approved')
  })

  it('reads several details from one message and asks for what is missing, in order', () => {
    const lead = updateLead({}, "We're 40 people and want to roll it out next quarter")
    expect(lead).toEqual({ companySize: 40, timeline: 'next quarter' })
    expect(missingSlot(lead)).toBe('useCase')
  })
})
