// Atlas Desk dashboard client: the little script the server-rendered pages need. Actions go to the
// REST API (the same endpoints integrations use) with the session's CSRF token; after a change, and
// whenever the server's event stream says something changed, the page's live regions are refreshed
// in place from the server-rendered page. No framework, no build step.
;(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''
  const toast = document.getElementById('toast')

  function say(text, isError) {
    if (!toast) return
    toast.textContent = text
    toast.className = `show${isError ? ' error' : ''}`
    clearTimeout(say.timer)
    say.timer = setTimeout(() => (toast.className = ''), isError ? 6000 : 2500)
  }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    const data = text ? JSON.parse(text) : {}
    if (!response.ok) {
      const issues = (data.error?.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ')
      const error = new Error(`${data.error?.message ?? response.statusText}${issues ? ` (${issues})` : ''}`)
      // Each problem by field path, for forms that show them next to their fields ([data-issues]).
      error.issues = data.error?.issues ?? []
      throw error
    }
    return data
  }

  // ——— live regions ———
  let refreshing = null
  let forceNext = false
  async function refresh({ force = false } = {}) {
    if (refreshing) {
      // One is in flight (maybe started by the event stream, not forced): run another after it.
      forceNext ||= force
      return refreshing.then(() => (forceNext ? refresh({ force: true }) : undefined))
    }
    forceNext = false
    refreshing = (async () => {
      const response = await fetch(location.href, { credentials: 'same-origin' })
      if (response.redirected || !response.ok) return
      const doc = new DOMParser().parseFromString(await response.text(), 'text/html')
      const active = document.activeElement
      const typing = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) ? active : null
      for (const fresh of doc.querySelectorAll('[data-live]')) {
        const current = document.getElementById(fresh.id)
        if (!current) continue
        // Never wipe out what someone is typing, unless their own action just finished.
        const dirty = current.querySelector('[data-dirty]')
        const busy = (typing && current.contains(typing)) || dirty
        if (busy && !force) continue
        // A region that keeps typing (data-keep-dirty) keeps it even then: the action was elsewhere,
        // since an action clears the marks of its own fields.
        if (dirty && current.dataset.keepDirty !== undefined) continue
        // What someone opened stays open (a group's questions, a history).
        for (const open of current.querySelectorAll('details[id][open]')) {
          fresh.querySelector(`details[id="${CSS.escape(open.id)}"]`)?.setAttribute('open', '')
        }
        current.replaceWith(fresh)
      }
      bind(document)
      document.dispatchEvent(new CustomEvent('atlas:refreshed'))
    })().finally(() => {
      refreshing = null
    })
    return refreshing
  }

  if (document.body.dataset.stream === 'on' && 'EventSource' in window) {
    let timer
    const source = new EventSource('/v1/events')
    source.addEventListener('change', () => {
      clearTimeout(timer)
      timer = setTimeout(() => refresh().catch(() => {}), 250)
    })
  }

  // ——— actions ———
  // <button data-api="POST /v1/tickets/TKT-1/take-over" data-body='{"…"}'>, or a <form data-api="…">
  // whose named fields become the JSON body (data-split="name" splits a comma list into an array).
  function bodyOf(form) {
    if (form.dataset.shape === 'notification-preferences') return preferencesOf(form)
    if (form.dataset.shape === 'settings-section') return sectionOf(form)
    const body = form.dataset.body ? JSON.parse(form.dataset.body) : {}
    const split = (form.dataset.split ?? '').split(',').filter(Boolean)
    for (const field of form.elements) {
      if (!field.name || field.disabled) continue
      if (field.type === 'checkbox' && field.dataset.array !== undefined) {
        body[field.name] = [...(body[field.name] ?? []), ...(field.checked ? [field.value] : [])]
        continue
      }
      if (field.type === 'checkbox') {
        body[field.name] = field.checked
        continue
      }
      let value = field.value
      if (split.includes(field.name)) {
        value = value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      } else if (field.dataset.nullable !== undefined && value === '') {
        value = null
      }
      // Optional parts of a nested body are left out when empty.
      if (field.dataset.omit !== undefined && (value === '' || (Array.isArray(value) && value.length === 0)))
        continue
      if (field.dataset.type === 'number') value = value === '' ? null : Number(value)
      if (field.dataset.type === 'optional' && value === '') value = null
      // "customFields.plan" → { customFields: { plan: … } }
      const path = field.name.split('.')
      let target = body
      for (const key of path.slice(0, -1)) target = target[key] ??= {}
      target[path.at(-1)] = value
    }
    return body
  }

  // The notification preferences form: channels per kind from its checkboxes, an empty WhatsApp
  // number or email as null, and no webhook when both its fields are empty.
  function preferencesOf(form) {
    const kinds = {}
    for (const box of form.querySelectorAll('input[type=checkbox][data-kind]')) {
      kinds[box.dataset.kind] ??= []
      if (box.checked) kinds[box.dataset.kind].push(box.value)
    }
    const value = (name) => form.elements[name]?.value.trim() ?? ''
    const url = value('webhook.url')
    const secret = value('webhook.secret')
    return {
      kinds,
      whatsapp: value('whatsapp') || null,
      email: value('email') || null,
      webhook: url || secret ? { url, secret } : null,
    }
  }

  // A settings section (data-shape="settings-section"): the section as stored — the original text of
  // its JSON editor, data-base — with the form's fields laid over it by path ("policies.0.warnAt"),
  // so whatever the form does not show is sent back unchanged. Field types: data-type="number",
  // "percent" (75 → 0.75) or "list" (comma or line separated); an empty field is left as it was
  // unless data-empty says "null" or "omit" (the key is removed). A [data-new-row] is added only when
  // one of its text fields is filled; a ticked [data-remove-row="steps.1"] removes that entry.
  function sectionOf(form) {
    const base = JSON.parse(document.getElementById(form.dataset.base)?.defaultValue || '{}')
    const newRows = new Map()
    for (const field of form.elements) {
      if (!field.name || field.disabled) continue
      const row = field.closest('[data-new-row]')
      if (row) {
        newRows.set(row, [...(newRows.get(row) ?? []), field])
        continue
      }
      setPath(base, field.name, fieldValue(field))
    }
    for (const fields of newRows.values()) {
      const typed = fields.some(
        (f) => /^(INPUT|TEXTAREA)$/.test(f.tagName) && f.type !== 'checkbox' && f.value.trim(),
      )
      if (typed) for (const f of fields) setPath(base, f.name, fieldValue(f))
    }
    const removals = [...form.querySelectorAll('input[data-remove-row]:checked')]
      .map((box) => box.dataset.removeRow.split('.'))
      .map((path) => ({ list: path.slice(0, -1).reduce((o, k) => o?.[k], base), index: Number(path.at(-1)) }))
      .sort((a, b) => b.index - a.index)
    for (const { list, index } of removals) if (Array.isArray(list)) list.splice(index, 1)
    return base
  }

  const OMIT = Symbol('omit')
  const KEEP = Symbol('keep')
  function fieldValue(field) {
    if (field.type === 'checkbox') return field.checked
    const text = field.value.trim()
    if (field.dataset.type === 'list') {
      return text
        .split(/[,\n]/)
        .map((v) => v.trim())
        .filter(Boolean)
    }
    if (text === '')
      return field.dataset.empty === 'null' ? null : field.dataset.empty === 'omit' ? OMIT : KEEP
    if (field.dataset.type === 'number') return Number(text)
    if (field.dataset.type === 'percent') return Math.round(Number(text) * 1000) / 100_000
    return field.value
  }

  function setPath(target, name, value) {
    if (value === KEEP) return
    const path = name.split('.')
    for (const key of path.slice(0, -1)) {
      if (value === OMIT && (target[key] === undefined || target[key] === null)) return
      target = target[key] ??= {}
    }
    if (value === OMIT) delete target[path.at(-1)]
    else target[path.at(-1)] = value
  }

  // The server's validation messages in the form's [data-issues] box, each field named by its path
  // and the field it names marked invalid; cleared when the form is saved. Nothing typed is touched.
  function showIssues(element, error) {
    const box = element.querySelector?.('[data-issues]')
    if (!box) return
    for (const field of element.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid')
    box.replaceChildren()
    box.hidden = !error
    if (!error) return
    const issues = error.issues ?? []
    const intro = document.createElement('p')
    intro.textContent = issues.length ? 'Not saved. Please check:' : `Not saved: ${error.message}`
    box.append(intro)
    if (issues.length === 0) return
    const list = document.createElement('ul')
    for (const issue of issues) {
      const item = document.createElement('li')
      const path = document.createElement('code')
      path.textContent = issue.path
      item.append(path, `: ${issue.message}`)
      list.append(item)
      fieldAt(element, issue.path)?.setAttribute('aria-invalid', 'true')
    }
    box.append(list)
  }

  /** The form's field for an issue's path, or for the nearest enclosing path ("alertWhatsApp.0" → alertWhatsApp). */
  function fieldAt(form, path) {
    const parts = String(path ?? '').split('.')
    for (let n = parts.length; n > 0; n--) {
      const field = form.querySelector(`[name="${CSS.escape(parts.slice(0, n).join('.'))}"]`)
      if (field) return field
    }
    return form.dataset.raw ? document.getElementById(form.dataset.raw) : null
  }

  async function run(element, body, submitter) {
    const [method, url] = element.dataset.api.split(' ')
    if (element.dataset.confirm && !window.confirm(element.dataset.confirm)) return
    // A form with several submit buttons: the one pressed may ask first (data-confirm-submit).
    if (submitter?.dataset.confirmSubmit && !window.confirm(submitter.dataset.confirmSubmit)) return
    element.setAttribute('aria-busy', 'true')
    try {
      const result = await api(method, url, method === 'GET' ? undefined : body)
      showIssues(element, null)
      for (const dirty of document.querySelectorAll('[data-dirty]')) {
        if (element.contains(dirty)) delete dirty.dataset.dirty
      }
      if (element.dataset.done) say(element.dataset.done)
      // e.g. an invitation's link, shown once: data-show="acceptPath" data-show-in="invite-link"
      if (element.dataset.show && result[element.dataset.show]) {
        const target = document.getElementById(element.dataset.showIn)
        if (target) target.textContent = location.origin + result[element.dataset.show]
      }
      if (element.dataset.then === 'reload') location.reload()
      else if (element.dataset.then?.startsWith('go:')) location.assign(element.dataset.then.slice(3))
      else {
        if (element.tagName === 'FORM' && element.dataset.keep === undefined) element.reset()
        await refresh({ force: true })
      }
    } catch (error) {
      showIssues(element, error)
      say(error.message, true)
    } finally {
      element.removeAttribute('aria-busy')
    }
  }

  function bind(root) {
    for (const el of root.querySelectorAll('[data-api]:not([data-bound])')) {
      el.dataset.bound = '1'
      if (el.tagName === 'FORM') {
        el.addEventListener('submit', (event) => {
          event.preventDefault()
          // data-raw names a textarea whose JSON is the whole body (an import of many articles).
          if (el.dataset.raw) {
            try {
              run(el, JSON.parse(document.getElementById(el.dataset.raw).value))
            } catch (error) {
              const invalid = new Error(`That is not valid JSON: ${error.message}`)
              showIssues(el, invalid)
              say(invalid.message, true)
            }
            return
          }
          // A named submit button adds its value (e.g. outcome=saved or outcome=churned).
          const submitter = event.submitter
          const body = bodyOf(el)
          if (submitter?.name && el.dataset.shape === undefined) body[submitter.name] = submitter.value
          run(el, body, submitter)
        })
      } else {
        el.addEventListener('click', (event) => {
          event.preventDefault()
          run(el, el.dataset.body ? JSON.parse(el.dataset.body) : undefined)
        })
      }
    }
    // A field someone changed is "dirty": live refreshes leave its region alone until they act.
    for (const field of root.querySelectorAll(
      'textarea:not([data-bound-input]), input:not([type=hidden]):not([data-bound-input]), select:not([data-bound-input])',
    )) {
      field.dataset.boundInput = '1'
      const mark = () => {
        field.dataset.dirty = '1'
      }
      field.addEventListener('input', mark)
      field.addEventListener('change', mark)
    }
    for (const select of root.querySelectorAll('select[data-autosubmit]:not([data-bound-select])')) {
      select.dataset.boundSelect = '1'
      select.addEventListener('change', () => select.form?.requestSubmit())
    }
  }
  bind(document)

  // ——— the draft: Ctrl/⌘+Enter approves it as written, or sends the edited text ———
  document.addEventListener('keydown', (event) => {
    const target = event.target
    const inField =
      target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable]')
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      const draft = target instanceof HTMLElement ? target.closest('[data-draft]') : null
      if (draft) {
        event.preventDefault()
        const editor = draft.querySelector('textarea')
        const edited = editor && editor.value.trim() !== editor.defaultValue.trim()
        draft.querySelector(edited ? '[data-send-edited]' : '[data-approve]')?.click()
        return
      }
      const form = target instanceof HTMLElement ? target.closest('form') : null
      if (form) {
        event.preventDefault()
        form.requestSubmit()
      }
      return
    }
    if (inField || event.ctrlKey || event.metaKey || event.altKey) return
    // Single-key shortcuts outside text fields (listed on the page): d draft, r reply, n note, t take over.
    const shortcuts = {
      d: '[data-draft] textarea',
      r: '#composer-text',
      n: '[data-mode="note"]',
      t: '[data-take-over]',
    }
    const selector = shortcuts[event.key]
    const element = selector && document.querySelector(selector)
    if (!element) return
    event.preventDefault()
    if (element.tagName === 'TEXTAREA') element.focus()
    else element.click()
  })

  // ——— composer: reply or internal note, canned responses by "/shortcut" ———
  function setupComposer() {
    const composer = document.getElementById('composer')
    if (!composer || composer.dataset.ready) return
    composer.dataset.ready = '1'
    const form = composer.querySelector('form')
    const text = composer.querySelector('textarea')
    const menu = composer.querySelector('.canned-menu')
    const canned = JSON.parse(composer.querySelector('#canned-data')?.textContent ?? '[]')
    for (const button of composer.querySelectorAll('[data-mode]')) {
      button.addEventListener('click', (event) => {
        event.preventDefault()
        const note = button.dataset.mode === 'note'
        composer.classList.toggle('note-mode', note)
        form.dataset.api = note ? form.dataset.noteApi : form.dataset.replyApi
        for (const b of composer.querySelectorAll('[data-mode]'))
          b.setAttribute('aria-pressed', String(b === button))
        form.querySelector('button[type=submit]').textContent = note ? 'Add note' : 'Send reply'
        text.placeholder = note
          ? 'Internal note — only your team sees it'
          : 'Reply to the customer — type / for canned responses'
        text.focus()
      })
    }
    let matches = []
    let selected = 0
    const slashWord = () => {
      const upTo = text.value.slice(0, text.selectionStart)
      const match = /(^|\s)\/([\w-]*)$/.exec(upTo)
      return match ? { word: match[2], start: upTo.length - match[2].length - 1 } : null
    }
    const close = () => {
      menu.hidden = true
      matches = []
    }
    const render = () => {
      menu.innerHTML = ''
      matches.forEach((c, i) => {
        const li = document.createElement('li')
        li.setAttribute('role', 'option')
        li.setAttribute('aria-selected', String(i === selected))
        li.textContent = `/${c.shortcut} — ${c.title}`
        li.addEventListener('mousedown', (event) => {
          event.preventDefault()
          insert(c)
        })
        menu.append(li)
      })
      menu.hidden = matches.length === 0
    }
    const insert = (c) => {
      const at = slashWord()
      if (!at) return close()
      const end = text.selectionStart
      text.value = text.value.slice(0, at.start) + c.body + text.value.slice(end)
      const caret = at.start + c.body.length
      text.setSelectionRange(caret, caret)
      text.dataset.dirty = '1'
      close()
    }
    text.addEventListener('input', () => {
      const at = slashWord()
      if (!at) return close()
      matches = canned.filter((c) => c.shortcut.startsWith(at.word.toLowerCase())).slice(0, 8)
      selected = 0
      render()
    })
    text.addEventListener('keydown', (event) => {
      if (menu.hidden || matches.length === 0) return
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        selected = (selected + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length
        render()
      } else if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault()
        insert(matches[selected])
      } else if (event.key === 'Escape') {
        close()
      }
    })
    text.addEventListener('blur', () => setTimeout(close, 150))
  }
  setupComposer()
  document.addEventListener('atlas:refreshed', setupComposer)

  // "Send edited": the draft editor's text goes out through the draft's send endpoint.
  document.addEventListener('click', (event) => {
    const button = event.target instanceof HTMLElement ? event.target.closest('[data-send-edited]') : null
    if (!button) return
    event.preventDefault()
    const draft = button.closest('[data-draft]')
    const form = draft?.querySelector('#send-edited-form')
    const editor = draft?.querySelector('textarea')
    if (!form || !editor) return
    form.querySelector('[name=text]').value = editor.value
    form.requestSubmit()
  })

  // A suggestion's "Use" button puts its text into the composer.
  document.addEventListener('click', (event) => {
    const use = event.target instanceof HTMLElement ? event.target.closest('[data-use-text]') : null
    if (!use) return
    event.preventDefault()
    const text = document.getElementById('composer-text')
    if (!text) return
    text.value = use.dataset.useText
    text.dataset.dirty = '1'
    text.focus()
  })

  // ——— times: "in 12 min", "5 min ago" kept current between refreshes ———
  // As layout.ts `span` says it.
  function span(seconds) {
    const minutes = Math.max(1, Math.round(Math.abs(seconds) / 60))
    if (minutes < 60) return `${minutes} min`
    if (minutes < 1440) {
      const m = minutes % 60
      return m ? `${Math.floor(minutes / 60)} h ${m} min` : `${Math.floor(minutes / 60)} h`
    }
    const h = Math.floor((minutes % 1440) / 60)
    return h ? `${Math.floor(minutes / 1440)} d ${h} h` : `${Math.floor(minutes / 1440)} d`
  }
  function relativeTimes() {
    const now = Date.now()
    for (const time of document.querySelectorAll('time[data-relative]')) {
      const at = Date.parse(time.getAttribute('datetime') ?? '')
      if (Number.isNaN(at)) continue
      const seconds = (at - now) / 1000
      time.textContent = seconds >= 0 ? `in ${span(seconds)}` : `${span(seconds)} ago`
    }
  }
  setInterval(relativeTimes, 30_000)

  // ——— notifications: the bell's unread count on every page ———
  // Notifications are not in the event stream: the count is polled every 30 s while the page is
  // visible (and at once when it becomes visible again); a refresh of the page updates it as well.
  function unreadLabel(n) {
    return `Notifications: ${n === 0 ? 'none' : n > 99 ? 'more than 99' : n} unread`
  }
  function showUnread(n) {
    const bell = document.getElementById('notifications-link')
    if (!bell) return
    bell.dataset.unread = String(n)
    bell.setAttribute('aria-label', unreadLabel(n))
    const count = bell.querySelector('.unread-count')
    if (count) {
      count.textContent = n > 99 ? '99+' : String(n)
      count.hidden = n === 0
    }
  }
  async function pollUnread() {
    const bell = document.getElementById('notifications-link')
    if (!bell || document.visibilityState !== 'visible') return
    const before = Number(bell.dataset.unread ?? 0)
    const response = await fetch('/v1/notifications?unread=true&limit=1', {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    })
    if (!response.ok) return
    const data = await response.json()
    const n = Number(data.unread ?? 0)
    if (n === before) return
    showUnread(n)
    if (n > before && data.notifications?.[0]) say(`New notification: ${data.notifications[0].title}`)
    if (document.getElementById('notifications')) refresh().catch(() => {})
  }
  setInterval(() => pollUnread().catch(() => {}), 30_000)
  document.addEventListener('visibilitychange', () => pollUnread().catch(() => {}))

  // Opening a notification's link marks it read (sent with keepalive, so leaving the page is fine).
  document.addEventListener('click', (event) => {
    const link = event.target instanceof HTMLElement ? event.target.closest('a[data-read-on-open]') : null
    if (!link) return
    fetch('/v1/notifications/read', {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: true,
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ ids: [link.dataset.readOnOpen] }),
    }).catch(() => {})
  })

  // The availability switch in the top bar.
  const availability = document.getElementById('availability')
  availability?.addEventListener('change', () =>
    api('PATCH', '/v1/workspace/me', { availability: availability.value })
      .then(() => say(`You are ${availability.value}`))
      .catch((error) => say(error.message, true)),
  )
})()
