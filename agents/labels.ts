// The shipped label vocabulary of the `action` head: what handling a message needs. One list for
// the gate (which actions only a person may take), the providers and the training data's README.

/** Actions only a person may take or judge: the bot hands these over, it never performs them. */
export const HUMAN_ACTIONS = [
  'refund',
  'cancellation',
  'account_change',
  'account_lookup',
  'billing_dispute',
  'exception',
  'complaint',
  'investigation',
  'human_request',
  'sales_contact',
] as const

/** Every shipped action label: an answer from the Library, a human-only action, or chit-chat. */
export const ACTION_LABELS = ['answer', ...HUMAN_ACTIONS, 'off_topic'] as const
