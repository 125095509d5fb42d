// Webhook bodies as Messenger and Instagram send them (shapes from Meta's Messenger Platform
// webhook reference), for tests.

export const PAGE_ID = '106382628091367'
export const PSID = '6912345678901234'
export const IG_ACCOUNT_ID = '17841405822304914'
export const IGSID = '1254459154682919'

export function pageWebhook(...messaging: unknown[]) {
  return { object: 'page', entry: [{ id: PAGE_ID, time: 1700000000123, messaging }] }
}

export function instagramWebhook(...messaging: unknown[]) {
  return { object: 'instagram', entry: [{ id: IG_ACCOUNT_ID, time: 1700000000123, messaging }] }
}

const fromCustomer = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1700000000000 }

export const MESSENGER = {
  text: {
    ...fromCustomer,
    message: {
      mid: 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P',
      text: 'Hi! Is the store open on Sunday?',
    },
  },
  quickReply: {
    ...fromCustomer,
    message: {
      mid: 'm_quickreply_1',
      text: 'Talk to a person',
      quick_reply: { payload: 'HANDOFF' },
    },
  },
  reply: {
    ...fromCustomer,
    message: { mid: 'm_reply_1', text: 'That one please', reply_to: { mid: 'm_our_earlier_message' } },
  },
  image: {
    ...fromCustomer,
    message: {
      mid: 'm_image_1',
      attachments: [
        { type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg' } },
      ],
    },
  },
  sticker: {
    ...fromCustomer,
    message: {
      mid: 'm_sticker_1',
      attachments: [
        {
          type: 'image',
          payload: {
            url: 'https://scontent.xx.fbcdn.net/v/t39.1997-6/like.png',
            sticker_id: 369239263222822,
          },
        },
      ],
    },
  },
  file: {
    ...fromCustomer,
    message: {
      mid: 'm_file_1',
      text: 'Here is the receipt',
      attachments: [{ type: 'file', payload: { url: 'https://cdn.fbsbx.com/v/t59.2708-21/receipt.pdf' } }],
    },
  },
  audio: {
    ...fromCustomer,
    message: {
      mid: 'm_audio_1',
      attachments: [{ type: 'audio', payload: { url: 'https://cdn.fbsbx.com/v/t59.3654-21/audioclip.mp4' } }],
    },
  },
  location: {
    ...fromCustomer,
    message: {
      mid: 'm_location_1',
      attachments: [{ type: 'location', payload: { coordinates: { lat: 52.520008, long: 13.404954 } } }],
    },
  },
  echo: {
    sender: { id: PAGE_ID },
    recipient: { id: PSID },
    timestamp: 1700000000500,
    message: {
      mid: 'm_echo_1',
      is_echo: true,
      app_id: 1517776481860111,
      text: 'We are open 10–4 on Sundays.',
    },
  },
  postback: {
    ...fromCustomer,
    postback: { mid: 'm_postback_1', title: 'Get Started', payload: 'GET_STARTED' },
  },
  delivery: {
    sender: { id: PSID },
    recipient: { id: PAGE_ID },
    delivery: { mids: ['m_our_reply_1', 'm_our_reply_2'], watermark: 1700000001000 },
  },
  deliveryWatermarkOnly: {
    sender: { id: PSID },
    recipient: { id: PAGE_ID },
    delivery: { watermark: 1700000001000 },
  },
  read: {
    sender: { id: PSID },
    recipient: { id: PAGE_ID },
    timestamp: 1700000002000,
    read: { watermark: 1700000001500 },
  },
  reaction: {
    ...fromCustomer,
    reaction: { mid: 'm_our_reply_1', action: 'react', reaction: 'love', emoji: '❤️' },
  },
}

const fromInstagram = { sender: { id: IGSID }, recipient: { id: IG_ACCOUNT_ID }, timestamp: 1700000000000 }

export const INSTAGRAM = {
  text: {
    ...fromInstagram,
    message: {
      mid: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0',
      text: 'Do you ship to Canada?',
    },
  },
  storyReply: {
    ...fromInstagram,
    message: {
      mid: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE1',
      text: 'Love this!',
      reply_to: { story: { url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1', id: '1790' } },
    },
  },
  share: {
    ...fromInstagram,
    message: {
      mid: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE2',
      attachments: [
        { type: 'share', payload: { url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2' } },
      ],
    },
  },
  unsupported: {
    ...fromInstagram,
    message: { mid: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE3', is_unsupported: true },
  },
  echo: {
    sender: { id: IG_ACCOUNT_ID },
    recipient: { id: IGSID },
    timestamp: 1700000000500,
    message: { mid: 'aWdfZAG1echo', is_echo: true, text: 'We do!' },
  },
  read: {
    ...fromInstagram,
    read: { mid: 'aWdfZAG1our_reply' },
  },
}
