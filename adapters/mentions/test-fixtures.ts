// Mentions as a social-listening tool would post them, for tests.

export const TWEET = {
  source: 'twitter',
  id: '1765012345678901234',
  url: 'https://x.com/samsmith/status/1765012345678901234',
  author: { handle: '@SamSmith', name: 'Sam Smith' },
  text: '@acme my order is two weeks late and nobody answers email',
  postedAt: '2024-03-05T10:02:00Z',
  inReplyTo: '1765012300000000000',
}

export const REDDIT_POST = {
  source: 'reddit',
  id: 't3_1b7x2k',
  url: 'https://www.reddit.com/r/acme/comments/1b7x2k/does_acme_ship_to_canada/',
  author: { handle: 'u_canuck' },
  text: 'Does Acme ship to Canada? Their site is unclear.',
  postedAt: '2024-03-05T11:30:00+01:00',
}
