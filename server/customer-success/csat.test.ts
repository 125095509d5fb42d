// Reading a chat reply as a satisfaction rating: the usual ways customers write a score are read, and
// a message that merely starts with a number (a new problem for the ticket) is never swallowed.
import { describe, expect, it } from 'vitest'
import { emailQuestion, parseRating } from './csat.ts'

describe('parseRating', () => {
  it.each([
    ['5', 5, null],
    [' 4 ', 4, null],
    ['1', 1, null],
    ['3.', 3, null],
    ['5!', 5, null],
    ['5!!!', 5, null],
    ['4/5', 4, null],
    ['4 / 5', 4, null],
    ['4 out of 5', 4, null],
    ['2 of 5', 2, null],
    ['5 stars', 5, null],
    ['1 star', 1, null],
    ['5*', 5, null],
    ['4 ⭐', 4, null],
    ['4 out of 5 stars', 4, null],
    ['⭐⭐⭐⭐', 4, null],
    ['⭐️⭐️⭐️', 3, null],
    ['⭐ ⭐ ⭐ ⭐ ⭐', 5, null],
    ['★★★☆☆', 3, null],
    ['🌟🌟', 2, null],
    ['4️⃣', 4, null],
    ['５', 5, null],
    ['five', 5, null],
    ['Four stars', 4, null],
    ['two out of five', 2, null],
    ['Rating: 4', 4, null],
    ['my score is 5', 5, null],
  ])('reads %j as %i without a comment', (text, score, comment) => {
    expect(parseRating(text)).toEqual({ score, comment })
  })

  it.each([
    ['3 - ok I guess', 3, 'ok I guess'],
    ['3 – ok I guess', 3, 'ok I guess'],
    ['2. slow answers', 2, 'slow answers'],
    ['4 great help', 4, 'great help'],
    ['5: thanks a lot', 5, 'thanks a lot'],
    ['5, thanks!', 5, 'thanks!'],
    ['5 thanks', 5, 'thanks'],
    ['1 terrible, nobody read my question', 1, 'terrible, nobody read my question'],
    ['4/5 good but slow', 4, 'good but slow'],
    ['4 out of 5 - quick and friendly', 4, 'quick and friendly'],
    ['5 stars, loved it', 5, 'loved it'],
    ['⭐⭐⭐⭐ fast answer', 4, 'fast answer'],
    ['⭐⭐ - meh', 2, 'meh'],
    ['3 (could be faster)', 3, '(could be faster)'],
    ['5 👍', 5, '👍'],
    ['5👍', 5, '👍'],
    ['4\nthe agent was kind', 4, 'the agent was kind'],
    ['2 always the same answer', 2, 'always the same answer'],
  ])('reads %j as %i with the comment %j', (text, score, comment) => {
    expect(parseRating(text)).toEqual({ score, comment })
  })

  it.each([
    // Not at the start, or not a rating at all.
    'I have 2 more questions',
    'thanks',
    'ok',
    '',
    '   ',
    'great, 5 stars',
    // Out of range or longer numbers.
    '0',
    '6',
    '10',
    '123',
    '-1',
    '4.5',
    '5.0',
    '4,5',
    '8/10',
    '4 out of 10',
    '1/2 of the order is missing',
    '⭐⭐⭐⭐⭐⭐',
    // A number counting something: a new message for the ticket.
    '5 minutes ago my order was cancelled',
    '5 minutes ago my order…',
    '2 more questions please',
    '3 items are missing',
    '1 thing I forgot',
    '2 weeks later still nothing',
    '2 of my orders never arrived',
    '4 or 5 days?',
    '4-5 days',
    '4 - 5 days',
    '5:30 works for me',
    '5pm tomorrow?',
    '5 pm tomorrow?',
    "5 o'clock works for me",
    '3 agents told me different things',
    '3rd time I ask',
    '5%',
    '5?',
    '5 ?',
    '3 #12',
    '2 people here cannot log in',
    '1 question: can I get a refund?',
    'one more thing',
    'one, two, three',
  ])('does not read %j as a rating', (text) => {
    expect(parseRating(text)).toBeNull()
  })

  it('keeps at most 2000 characters of comment', () => {
    const rating = parseRating(`4 - ${'a'.repeat(2030)}`)
    expect(rating?.score).toBe(4)
    expect(rating?.comment).toHaveLength(2000)
  })

  it('does not read a very long message as a rating', () => {
    expect(parseRating(`4 - ${'a'.repeat(5000)}`)).toBeNull()
  })
})

describe('emailQuestion', () => {
  it('has the question, the one-click link and a link per score', () => {
    const body = emailQuestion('How did we do?', 'https://desk.example/csat/abc')
    expect(body.split('\n')).toEqual([
      'How did we do?',
      '',
      'Answer with one click: https://desk.example/csat/abc',
      '',
      '1 – very poor: https://desk.example/csat/abc?score=1',
      '2 – poor: https://desk.example/csat/abc?score=2',
      '3 – okay: https://desk.example/csat/abc?score=3',
      '4 – good: https://desk.example/csat/abc?score=4',
      '5 – excellent: https://desk.example/csat/abc?score=5',
    ])
  })
})
