// Atlas Desk chat widget. Embed with:
//   <script src="https://your-atlas-host/widget.js" data-widget-key="demo" async></script>
// It draws a chat bubble, remembers the visitor in localStorage (so a reply that arrives later is
// there when they come back), sends the page, device and language with each message, and shows
// replies live through Server-Sent Events. Styles live in a shadow root so the page cannot break them.
;(() => {
  const script = document.currentScript
  if (!script) return
  const key = script.getAttribute('data-widget-key')
  const base = new URL(script.src).origin
  const title = script.getAttribute('data-title') || 'Chat with us'
  if (!key) {
    console.error('Atlas Desk widget: add data-widget-key to the script tag')
    return
  }
  const storageKey = `atlas-desk:${key}:visitor`
  const seenKey = `atlas-desk:${key}:seen`
  const visitorId = localStorage.getItem(storageKey) || `v-${crypto.randomUUID()}`
  localStorage.setItem(storageKey, visitorId)
  const api = `${base}/v1/widget/${encodeURIComponent(key)}`

  const host = document.createElement('div')
  host.id = 'atlas-desk-widget'
  document.body.appendChild(host)
  const root = host.attachShadow({ mode: 'open' })
  root.innerHTML = `
    <style>
      :host { all: initial; }
      .bubble.unread::after { content: ''; position: absolute; top: 4px; right: 4px; width: 12px; height: 12px;
        border-radius: 50%; background: #e03131; border: 2px solid #fff; }
      .bubble { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%;
        background: #3454d1; color: #fff; border: 0; font: 600 24px system-ui; cursor: pointer;
        box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483000; }
      .panel { position: fixed; right: 20px; bottom: 88px; width: min(370px, calc(100vw - 40px));
        height: min(520px, calc(100vh - 120px)); background: #fff; border-radius: 12px; display: none;
        flex-direction: column; box-shadow: 0 8px 30px rgba(0,0,0,.25); font: 14px/1.4 system-ui;
        color: #1b1f24; z-index: 2147483000; overflow: hidden; }
      .panel.open { display: flex; }
      header { background: #3454d1; color: #fff; padding: 12px 16px; font-weight: 600; display: flex;
        justify-content: space-between; align-items: center; }
      button.close { border: 0; background: none; color: #fff; font-size: 20px; cursor: pointer; line-height: 1; }
      .log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
      .msg { max-width: 85%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; }
      .customer { align-self: flex-end; background: #3454d1; color: #fff; }
      .bot, .human { align-self: flex-start; background: #eef0f4; }
      .human { border-left: 3px solid #2f9e44; }
      .who { display: block; font-size: 11px; opacity: .7; margin-bottom: 2px; }
      .sources a { display: block; font-size: 12px; color: #3454d1; }
      form { display: flex; border-top: 1px solid #e3e6eb; }
      textarea { flex: 1; border: 0; padding: 12px; resize: none; font: inherit; outline: none; }
      button.send { border: 0; background: none; color: #3454d1; font-weight: 600; padding: 0 16px; cursor: pointer; }
      @media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw; height: 100vh; border-radius: 0; } }
    </style>
    <button class="bubble" aria-label="${title}">💬</button>
    <section class="panel" role="dialog" aria-label="${title}">
      <header><span>${title}</span><button class="close" type="button" aria-label="Close">×</button></header>
      <div class="log" aria-live="polite"></div>
      <form><textarea rows="2" placeholder="Type your message…" aria-label="Message"></textarea>
      <button class="send" type="submit">Send</button></form>
    </section>`
  const panel = root.querySelector('.panel')
  const log = root.querySelector('.log')
  const form = root.querySelector('form')
  const input = root.querySelector('textarea')
  const shown = new Set()
  let conversationId = null
  let stream = null

  const bubble = root.querySelector('.bubble')
  let lastReplyId = null
  bubble.addEventListener('click', () => {
    panel.classList.toggle('open')
    if (panel.classList.contains('open')) {
      input.focus()
      markSeen()
    }
  })

  root.querySelector('.close').addEventListener('click', () => panel.classList.remove('open'))

  function markSeen() {
    bubble.classList.remove('unread')
    if (lastReplyId) localStorage.setItem(seenKey, lastReplyId)
  }

  // The latest reply, unless the visitor has seen it, marks the bubble until the panel is opened.
  function refreshUnread() {
    if (panel.classList.contains('open')) markSeen()
    else
      bubble.classList.toggle('unread', lastReplyId !== null && localStorage.getItem(seenKey) !== lastReplyId)
  }

  function render(message) {
    if (shown.has(message.id)) return
    shown.add(message.id)
    const item = document.createElement('div')
    item.className = `msg ${message.author}`
    item.dataset.author = message.author
    if (message.author !== 'customer') {
      const who = document.createElement('span')
      who.className = 'who'
      who.textContent = message.author === 'human' ? 'Support team' : 'Assistant'
      item.appendChild(who)
    }
    item.appendChild(document.createTextNode(message.body))
    const links = (message.citations || []).filter((c) => c.url)
    if (links.length) {
      const sources = document.createElement('div')
      sources.className = 'sources'
      for (const c of links) {
        const a = document.createElement('a')
        a.href = c.url
        a.target = '_blank'
        a.rel = 'noopener'
        a.textContent = c.title
        sources.appendChild(a)
      }
      item.appendChild(sources)
    }
    log.appendChild(item)
    log.scrollTop = log.scrollHeight
    if (message.author !== 'customer') lastReplyId = message.id
    refreshUnread()
  }

  function follow(id) {
    if (conversationId === id && stream) return
    conversationId = id
    if (stream) stream.close()
    stream = new EventSource(`${api}/conversations/${id}/events?visitorId=${encodeURIComponent(visitorId)}`)
    stream.addEventListener('message', (event) => render(JSON.parse(event.data)))
  }

  // A returning visitor sees their conversation, including replies that came while they were away.
  fetch(`${api}/visitors/${encodeURIComponent(visitorId)}/conversation`)
    .then((response) => (response.ok ? response.json() : null))
    .then((found) => {
      if (!found) return
      for (const message of found.messages) render(message)
      follow(found.conversationId)
    })
    .catch(() => {})

  function device() {
    const width = window.screen.width
    return width < 600 ? 'mobile' : width < 1024 ? 'tablet' : 'desktop'
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const text = input.value.trim()
    if (!text) return
    input.value = ''
    const body = {
      visitorId,
      text,
      messageId: crypto.randomUUID(),
      page: location.href.slice(0, 2048),
      device: device(),
      language: navigator.language,
    }
    try {
      const response = await fetch(`${api}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const result = await response.json()
      if (!response.ok) throw new Error(result.error ? result.error.message : response.statusText)
      follow(result.conversationId)
    } catch (error) {
      input.value = text
      const item = document.createElement('div')
      item.className = 'msg bot'
      item.textContent = `Your message could not be sent (${error.message}). Please try again.`
      log.appendChild(item)
    }
  })
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault()
      form.requestSubmit()
    }
  })
})()
