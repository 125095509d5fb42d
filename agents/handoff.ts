// What the bot tells the customer when it hands a conversation to people. It only says what is
// true at that moment: the conversation is now in the team's queue. It never claims an action
// (a refund, a cancellation) that no one has taken yet.
const BY_REASON: Record<string, string> = {
  refund:
    "I can't issue refunds myself, so I've passed your request to our billing team. A person will reply here.",
  cancellation:
    "I can't change subscriptions myself, so I've passed your request to our team. A person will reply here to help with it.",
  account_change:
    "Changes like this have to be made by someone on our team, so I've passed your request on. A person will reply here.",
  account_lookup:
    "I can't look into account details myself, so I've passed your question to our team. A person will reply here.",
  billing_dispute:
    "I'm sorry about the trouble with your bill. I've passed this to our billing team, and a person will reply here.",
  exception: "That's a decision for our team, so I've passed your request on. A person will reply here.",
  complaint:
    "I'm sorry this has been frustrating. I've passed your message to our team, and a person will reply here.",
  investigation:
    "This needs someone to look into your account, so I've passed it to our team. A person will reply here.",
  human_request: "Sure, I've passed this conversation to our team. A person will reply here.",
  sales_contact:
    "Thanks for your interest! I've passed your message to our sales team, and a person will reply here.",
}

const DEFAULT_NOTICE = "I've passed your message to our team, and a person will reply here."

/** The notice for an escalation reason such as `needs_human:refund` or `low_confidence`. */
export function handoffNotice(reason: string): string {
  const action = reason.startsWith('needs_human:') ? reason.slice('needs_human:'.length) : ''
  return BY_REASON[action] ?? DEFAULT_NOTICE
}
