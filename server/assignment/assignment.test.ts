// Routing rules and queue strategies, without a database: every condition kind, rule order and
// disabled rules; availability, disabled accounts, capacity, expertise and ties.
import { describe, expect, it } from 'vitest'
import { containsWord, languageMatches, matchRule, type RoutingFacts, type RuleLike } from './match.ts'
import { eligibleInTurn, type MemberLike, pickAssignee, type QueueLike } from './pick.ts'

const facts = (over: Partial<RoutingFacts> = {}): RoutingFacts => ({
  language: 'en-GB',
  country: 'GB',
  text: 'Hello, I would like a refund for my last invoice please.',
  category: 'billing_inquiry',
  urgency: 'normal',
  priority: 'normal',
  channel: 'widget',
  vip: false,
  ...over,
})

let ruleSeq = 0
const rule = (over: Partial<RuleLike> = {}): RuleLike => ({
  id: `rule-${++ruleSeq}`,
  name: `rule ${ruleSeq}`,
  position: ruleSeq,
  enabled: true,
  conditions: {},
  actions: { queue: 'support' },
  ...over,
})

describe('matchRule', () => {
  it('matches nothing when there are no rules, and anything with an empty condition set', () => {
    expect(matchRule([], facts())).toBeNull()
    const catchAll = rule()
    expect(matchRule([catchAll], facts())).toBe(catchAll)
  })

  it('languages: a primary tag matches its regional variants, a regional tag only itself', () => {
    expect(languageMatches('en', 'en-GB')).toBe(true)
    expect(languageMatches('EN', 'en')).toBe(true)
    expect(languageMatches('en-GB', 'en-gb')).toBe(true)
    expect(languageMatches('en-GB', 'en-US')).toBe(false)
    expect(languageMatches('en', 'eng')).toBe(false)
    expect(languageMatches('en', null)).toBe(false)
    const english = rule({ conditions: { languages: ['de', 'en'] } })
    expect(matchRule([english], facts())).toBe(english)
    expect(matchRule([english], facts({ language: 'fr-FR' }))).toBeNull()
    expect(matchRule([english], facts({ language: null }))).toBeNull()
  })

  it('countries: case-insensitive two-letter codes; an unknown country never matches', () => {
    const uk = rule({ conditions: { countries: ['gb', 'IE'] } })
    expect(matchRule([uk], facts())).toBe(uk)
    expect(matchRule([uk], facts({ country: 'ie' }))).toBe(uk)
    expect(matchRule([uk], facts({ country: 'US' }))).toBeNull()
    expect(matchRule([uk], facts({ country: null }))).toBeNull()
  })

  it('keywords: any of them, as whole words or phrases, case-insensitive', () => {
    expect(containsWord('I want a REFUND!', 'refund')).toBe(true)
    expect(containsWord('it was refunded already', 'refund')).toBe(false)
    expect(containsWord('prefund', 'refund')).toBe(false)
    expect(containsWord('I want my\nmoney   back now', 'money back')).toBe(true)
    expect(containsWord('money-back guarantee', 'money back')).toBe(false)
    expect(containsWord('costs $5 (c++)', 'c++')).toBe(true)
    expect(containsWord('Ça coûte cher', 'coûte')).toBe(true)
    expect(containsWord('anything', '   ')).toBe(false)
    const refunds = rule({ conditions: { keywords: ['chargeback', 'Refund'] } })
    expect(matchRule([refunds], facts())).toBe(refunds)
    expect(matchRule([refunds], facts({ text: 'How do I export my data?' }))).toBeNull()
  })

  it('categories, urgencies, priorities and channels compare with the ticket', () => {
    const billing = rule({ conditions: { categories: ['billing_inquiry'] } })
    expect(matchRule([billing], facts())).toBe(billing)
    expect(matchRule([billing], facts({ category: 'how_to' }))).toBeNull()
    expect(matchRule([billing], facts({ category: null }))).toBeNull()

    const urgent = rule({ conditions: { urgencies: ['high', 'urgent'] } })
    expect(matchRule([urgent], facts({ urgency: 'urgent' }))).toBe(urgent)
    expect(matchRule([urgent], facts())).toBeNull()

    const high = rule({ conditions: { priorities: ['high'] } })
    expect(matchRule([high], facts({ priority: 'high' }))).toBe(high)
    expect(matchRule([high], facts())).toBeNull()

    const email = rule({ conditions: { channels: ['email', 'whatsapp'] } })
    expect(matchRule([email], facts({ channel: 'whatsapp' }))).toBe(email)
    expect(matchRule([email], facts())).toBeNull()
  })

  it('vip: true wants a VIP, false wants anyone but a VIP', () => {
    const vip = rule({ conditions: { vip: true } })
    const regular = rule({ conditions: { vip: false } })
    expect(matchRule([vip], facts({ vip: true }))).toBe(vip)
    expect(matchRule([vip], facts())).toBeNull()
    expect(matchRule([regular], facts())).toBe(regular)
    expect(matchRule([regular], facts({ vip: true }))).toBeNull()
  })

  it('every given condition must hold; an empty list does not constrain', () => {
    const strict = rule({
      conditions: { languages: ['en'], keywords: ['refund'], channels: ['widget'], vip: true, countries: [] },
    })
    expect(matchRule([strict], facts({ vip: true }))).toBe(strict)
    expect(matchRule([strict], facts({ vip: true, channel: 'email' }))).toBeNull()
    expect(matchRule([strict], facts())).toBeNull()
  })

  it('takes the first matching rule by position, whatever the array order; ties keep the given order', () => {
    const second = rule({ position: 2, conditions: { keywords: ['refund'] } })
    const first = rule({ position: 1, conditions: { keywords: ['invoice'] } })
    const third = rule({ position: 3 })
    expect(matchRule([third, second, first], facts())).toBe(first)
    expect(matchRule([third, second, first], facts({ text: 'a refund' }))).toBe(second)
    expect(matchRule([third, second, first], facts({ text: 'hello' }))).toBe(third)
    const a = rule({ position: 5 })
    const b = rule({ position: 5 })
    expect(matchRule([a, b], facts())).toBe(a)
    expect(matchRule([b, a], facts())).toBe(b)
  })

  it('skips disabled rules', () => {
    const off = rule({ position: 0, enabled: false })
    const on = rule({ position: 1 })
    expect(matchRule([off, on], facts())).toBe(on)
    expect(matchRule([off], facts())).toBeNull()
  })
})

const member = (id: string, over: Partial<MemberLike> = {}): MemberLike => ({
  id,
  availability: 'online',
  disabledAt: null,
  capacity: 0,
  expertise: [],
  ...over,
})
const queue = (over: Partial<QueueLike> = {}): QueueLike => ({
  strategy: 'round_robin',
  members: ['a', 'b', 'c'],
  lastAssignedUserId: null,
  ...over,
})
const team = [member('a'), member('b'), member('c')]
/** Open tickets per member id. */
const open = (counts: Record<string, number>) => new Map(Object.entries(counts))
const none = open({})

describe('pickAssignee: round robin', () => {
  it('starts with the first member and walks the list after the last assignee, wrapping around', () => {
    expect(pickAssignee(queue(), team, none)).toBe('a')
    expect(pickAssignee(queue({ lastAssignedUserId: 'a' }), team, none)).toBe('b')
    expect(pickAssignee(queue({ lastAssignedUserId: 'b' }), team, none)).toBe('c')
    expect(pickAssignee(queue({ lastAssignedUserId: 'c' }), team, none)).toBe('a')
    // The last assignee left the queue: start from the top.
    expect(pickAssignee(queue({ lastAssignedUserId: 'gone' }), team, none)).toBe('a')
  })

  it('rotates through everyone over successive tickets', () => {
    let last: string | null = null
    const picked: string[] = []
    for (let i = 0; i < 6; i++) {
      last = pickAssignee(queue({ lastAssignedUserId: last }), team, none)
      picked.push(last!)
    }
    expect(picked).toEqual(['a', 'b', 'c', 'a', 'b', 'c'])
  })

  it('skips members who are away, offline, disabled or not in the members list', () => {
    const people = [
      member('a', { availability: 'away' }),
      member('b', { availability: 'offline' }),
      member('c', { disabledAt: new Date() }),
      member('d'),
    ]
    expect(pickAssignee(queue({ members: ['a', 'b', 'c', 'd'] }), people, none)).toBe('d')
    expect(pickAssignee(queue({ members: ['a', 'b', 'c'] }), people, none)).toBeNull()
    // An id in the queue with no account (deleted) is skipped too.
    expect(pickAssignee(queue({ members: ['ghost', 'd'] }), people, none)).toBe('d')
  })

  it('respects capacity (0: unlimited) with the open-ticket counts', () => {
    const people = [member('a', { capacity: 2 }), member('b', { capacity: 1 }), member('c')]
    expect(pickAssignee(queue(), people, open({ a: 2 }))).toBe('b')
    expect(pickAssignee(queue(), people, open({ a: 1 }))).toBe('a')
    expect(pickAssignee(queue(), people, open({ a: 2, b: 1 }))).toBe('c')
    expect(pickAssignee(queue(), people, open({ a: 5, b: 5, c: 500 }))).toBe('c')
    expect(pickAssignee(queue({ members: ['a', 'b'] }), people, open({ a: 2, b: 1 }))).toBeNull()
  })

  it('requires the expertise when asked (case-insensitive)', () => {
    const people = [member('a'), member('b', { expertise: ['German', 'billing'] }), member('c')]
    expect(pickAssignee(queue(), people, none, { expertise: 'german' })).toBe('b')
    expect(pickAssignee(queue({ lastAssignedUserId: 'b' }), people, none, { expertise: 'german' })).toBe('b')
    expect(pickAssignee(queue(), people, none, { expertise: 'french' })).toBeNull()
    expect(pickAssignee(queue(), people, none, { expertise: undefined })).toBe('a')
  })

  it('lists the eligible members in turn order', () => {
    const people = [member('a'), member('b', { availability: 'away' }), member('c'), member('d')]
    expect(
      eligibleInTurn(queue({ members: ['a', 'b', 'c', 'd'], lastAssignedUserId: 'c' }), people, none),
    ).toEqual(['d', 'a', 'c'])
  })
})

describe('pickAssignee: least loaded and manual', () => {
  it('picks the member with the fewest open tickets', () => {
    const q = queue({ strategy: 'least_loaded' })
    expect(pickAssignee(q, team, open({ a: 3, b: 1, c: 2 }))).toBe('b')
    expect(pickAssignee(q, team, open({ a: 3, b: 1 }))).toBe('c')
  })

  it('breaks ties in round-robin order after the last assignee', () => {
    const q = queue({ strategy: 'least_loaded' })
    expect(pickAssignee(q, team, open({ a: 1, b: 1, c: 1 }))).toBe('a')
    expect(pickAssignee({ ...q, lastAssignedUserId: 'a' }, team, open({ a: 1, b: 1, c: 1 }))).toBe('b')
    expect(pickAssignee({ ...q, lastAssignedUserId: 'b' }, team, open({ a: 0, b: 2, c: 0 }))).toBe('c')
    expect(pickAssignee({ ...q, lastAssignedUserId: 'c' }, team, open({ a: 0, b: 2, c: 0 }))).toBe('a')
  })

  it('applies availability, capacity and expertise before comparing loads', () => {
    const people = [
      member('a', { availability: 'offline' }),
      member('b', { capacity: 1 }),
      member('c', { expertise: ['vip'] }),
    ]
    const q = queue({ strategy: 'least_loaded' })
    expect(pickAssignee(q, people, open({ a: 0, b: 1, c: 9 }))).toBe('c')
    expect(pickAssignee(q, people, open({ a: 0, b: 0, c: 9 }))).toBe('b')
    expect(pickAssignee(q, people, open({ b: 0 }), { expertise: 'VIP' })).toBe('c')
  })

  it('manual assigns nobody, and an empty queue has nobody to assign', () => {
    expect(pickAssignee(queue({ strategy: 'manual' }), team, none)).toBeNull()
    expect(pickAssignee(queue({ members: [] }), team, none)).toBeNull()
    expect(pickAssignee(queue({ strategy: 'least_loaded', members: [] }), team, none)).toBeNull()
  })
})
