// Webhook bodies as the WhatsApp Cloud API sends them (shapes from Meta's webhook reference), for tests.

export const PHONE_NUMBER_ID = '106540352242922'
export const WA_ID = '16505551234'

/** Wraps message objects in the full `whatsapp_business_account` envelope. */
export function envelope(value: { messages?: unknown[]; statuses?: unknown[]; contacts?: unknown[] }) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
              ...(value.messages ? { contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: WA_ID }] } : {}),
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  }
}

const base = (id: string) => ({ from: WA_ID, id, timestamp: '1749416383' })

export const MESSAGES = {
  text: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA='),
    type: 'text',
    text: { body: 'Does it come in another color?' },
  },
  reply: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUZCMTY0MDc2MUYwNzBDNTY5MgA='),
    context: { from: '15550783881', id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3N0EyQUJDMjFEQzZCQUMzODMA' },
    type: 'text',
    text: { body: 'Yes, that one' },
  },
  voice: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU0MjdGQzRCRjBFNzU5NDM3NQA='),
    type: 'audio',
    audio: {
      mime_type: 'audio/ogg; codecs=opus',
      sha256: 'tXm3Iwj8V4BE+Oe4lFz9ekMWhHPmq/+ALfTA7axT1Vs=',
      id: '1003383421387256',
      voice: true,
    },
  },
  audioFile: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUVGMEFDRDI3M0Y3OUIzMzk3NQA='),
    type: 'audio',
    audio: {
      mime_type: 'audio/mpeg',
      sha256: 'x1Hh7lS8dk9p4jS0K8qHq0vY=',
      id: '1003383421387257',
      voice: false,
    },
  },
  image: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ2RTJCOTFFQkNFNTUyQ0Y0MwA='),
    type: 'image',
    image: {
      caption: 'The box arrived like this',
      mime_type: 'image/jpeg',
      sha256: 'JZ2xHFKnfRlbWn1JoS8YbOxHzDfWHHEaqd5b40Sgy2A=',
      id: '1479537139650973',
    },
  },
  video: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTdFNEM0ODlDRDgyNEZGQTJCOQA='),
    type: 'video',
    video: { mime_type: 'video/mp4', sha256: 'vXw+/k0Vz0+gqh8sbU5DnlEW6m8=', id: '2754859441498128' },
  },
  document: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTVGOTkyNjhDM0Q0RUJBMTUxRAA='),
    type: 'document',
    document: {
      caption: 'My invoice',
      filename: 'invoice-2024-118.pdf',
      mime_type: 'application/pdf',
      sha256: 'Rvc1ksEdFcHxpWXHLL0tJ2ZlX/0Jjpr6Ws9lPqkU2Zo=',
      id: '1026468555764421',
    },
  },
  sticker: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyMzYwRUI3NkJBRUUxNkRFQwA='),
    type: 'sticker',
    sticker: {
      mime_type: 'image/webp',
      sha256: 'ZRtFVnQ5fXM8qWlL+UZwkK9bpPlVUbUzGIFhTmd+oIw=',
      id: '1229446291537223',
      animated: false,
    },
  },
  location: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTg3N0JGMUY2MjlDRjg2MjFGMwA='),
    type: 'location',
    location: {
      address: '1 Hacker Way, Menlo Park, CA 94025',
      latitude: 37.483307,
      longitude: -122.148981,
      name: 'Main Office',
      url: 'https://www.meta.com',
    },
  },
  buttonReply: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTg0RjBBMTUwMzZCODYyNDVCMQA='),
    context: { from: '15550783881', id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJEOTM4M0MxRjc0QUIzNzQ1QkEA' },
    type: 'interactive',
    interactive: { type: 'button_reply', button_reply: { id: 'talk-to-human', title: 'Talk to a person' } },
  },
  listReply: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTVBQjY1MjNEMTc0QjcxNDZFMAA='),
    context: { from: '15550783881', id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzE3QzU0QTE0NjE2QTk2RTIA' },
    type: 'interactive',
    interactive: {
      type: 'list_reply',
      list_reply: { id: 'order-status', title: 'Order status', description: 'Where is my order?' },
    },
  },
  templateButton: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTFCNTZEOTdCRTc3QUE2QjVERQA='),
    context: { from: '15550783881', id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QjU2QUFFMDE1NzYyRTI4OEMA' },
    type: 'button',
    button: { payload: 'RESCHEDULE', text: 'Reschedule' },
  },
  reaction: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTY4QjM5NDk2MjQ5NzA4ODk3MQA='),
    type: 'reaction',
    reaction: { message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3N0EyQUJDMjFEQzZCQUMzODMA', emoji: '👍' },
  },
  unsupported: {
    ...base('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRFQzg3MTg5QUMzMjlEN0Y1RgA='),
    type: 'unsupported',
    errors: [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ],
  },
}

const conversation = {
  id: 'CONVERSATION_ID',
  expiration_timestamp: '1750349990',
  origin: { type: 'service' },
}
const pricing = { billable: true, pricing_model: 'PMP', category: 'service' }

export const STATUSES = {
  sent: {
    id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3N0EyQUJDMjFEQzZCQUMzODMA',
    status: 'sent',
    timestamp: '1750263773',
    recipient_id: WA_ID,
    conversation,
    pricing,
  },
  delivered: {
    id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3N0EyQUJDMjFEQzZCQUMzODMA',
    status: 'delivered',
    timestamp: '1750263775',
    recipient_id: WA_ID,
    conversation,
    pricing,
  },
  read: {
    id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3N0EyQUJDMjFEQzZCQUMzODMA',
    status: 'read',
    timestamp: '1750263790',
    recipient_id: WA_ID,
  },
  failed: {
    id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJBNjdDRkQ0NkM3MjdGQzU2OTIA',
    status: 'failed',
    timestamp: '1750263800',
    recipient_id: WA_ID,
    errors: [
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        error_data: {
          details:
            'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ],
  },
}
