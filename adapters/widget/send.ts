// Delivery to the chat widget: the widget reads its conversation from the API, so a reply is
// delivered the moment its row is committed as sent. There is no provider to call, and nothing to
// send twice; the message id doubles as the provider id.
import type { OutboundMessage, SendResult } from '../types.ts'

export async function sendWidgetMessage(message: OutboundMessage): Promise<SendResult> {
  return { providerMessageId: message.id }
}
