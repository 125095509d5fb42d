// Development set for tuning gap-clusters.ts (its default threshold and view weights): unanswered
// Quillstack questions on topics and wordings deliberately different from the acceptance test's,
// so the acceptance test stays a held-out check.

export interface LabelledGapQuestion {
  /** Hand-assigned topic; topics starting with "single:" have one question. */
  topic: string
  question: string
}

const topic = (name: string, questions: readonly string[]): LabelledGapQuestion[] =>
  questions.map((question) => ({ topic: name, question }))

export const DEV_GAP_QUESTIONS: readonly LabelledGapQuestion[] = [
  ...topic('version history', [
    'Can I see older versions of a note?',
    "I accidentally deleted half my draft, is there a way to go back to yesterday's copy?",
    'Where is the revision history?',
    'How do I restore a previous version of a document?',
    'Does Quillstack keep a history of edits so I can undo changes from last week?',
    'roll back page to earlier version',
    'My coworker overwrote my paragraph — can I recover the earlier revision?',
    'is there version control like google docs has',
    'compare two revisions of the same note',
    'Need to revert my notes to how they were on Monday, is there a history?',
  ]),
  ...topic('import', [
    'How do I import my notes from Evernote?',
    'Is there a Notion importer?',
    'migrating from OneNote, can I import my notebooks',
    'Can I upload an .enex file from Evernote?',
    'bulk import markdown files from my Obsidian vault',
  ]),
  ...topic('invoices', [
    'I need an invoice with our company VAT number on it',
    'Where can I download receipts for my expense report?',
    'Can you add our billing address to past invoices?',
    'invoice missing tax ID',
    "How do I get a PDF receipt for last month's payment?",
  ]),
  ...topic('live collaboration', [
    'Can two people edit the same note at the same time?',
    'Is there live collaboration like in Google Docs?',
    'how to see who else is currently editing a page',
    "Do collaborators' cursors show up in real time?",
    'simultaneous editing with my team, possible?',
  ]),
  ...topic('spell check languages', [
    'Spell check only works in English, can it check German?',
    'How do I change the spellchecker language to French?',
    'The spell checker keeps underlining Spanish words as typos',
    'multilingual spelling correction?',
  ]),
  ...topic('keyboard shortcuts', [
    'Can I customize keyboard shortcuts?',
    'Is there a list of hotkeys?',
    'remap the Ctrl+K shortcut to something else',
    'Vim keybindings in the editor?',
  ]),
  ...topic('storage limits', [
    'What is the maximum attachment size?',
    "I'm out of storage, how much space does the Pro plan include?",
    'Upload fails for my 200 MB video file, is there a size limit?',
    'how many GB of storage do I get on the free tier',
    'Is there a file size limit for images?',
  ]),
  ...topic('calendar', [
    'Does it sync with Google Calendar?',
    'Can I link meeting notes to Outlook calendar events?',
    'calendar integration for daily notes?',
    'Show my agenda from iCal inside the daily journal',
  ]),
  ...topic('templates', [
    'Can I save a note as a template?',
    'Where are the meeting notes templates?',
    'Is there a way to start every daily note from the same layout?',
    'create reusable page templates for my team',
    'Do you have a template gallery, like for book outlines?',
  ]),
  ...topic('team seats', [
    'How much does it cost to add another seat to our team?',
    'Can I remove a member without paying for the whole month?',
    'We have 12 people, is there volume pricing for seats?',
    'Do guests count as paid users?',
  ]),
  ...topic('quick capture', [
    'Is there a home screen widget to jot down a quick note?',
    'Can I capture a thought from the lock screen?',
    'a global hotkey to open a quick capture window on Windows',
    'Share sheet: send a web page from Safari straight into my inbox notebook',
  ]),
  ...topic('single:print', ['Can I print a note with comments visible?']),
  ...topic('single:slow ipad', ['Why is the app so slow on my old iPad?']),
  ...topic('single:student discount', ['Do you have a student discount?']),
  ...topic('single:delete account', ['How do I delete my account permanently?']),
  ...topic('single:data residency', ['Is my data stored in the EU?']),
  ...topic('single:emoji', ["The emoji picker doesn't show skin tones"]),
  ...topic('single:embed video', ['Can I embed a YouTube video in a page?']),
  ...topic('single:security report', ['Where do I report a security vulnerability?']),
  ...topic('single:math', ['Does the editor render LaTeX equations?']),
  ...topic('single:referral', ['Is there a referral program?']),
  ...topic('single:word limit', ['Why does my long chapter get cut off after 50,000 words?']),
  ...topic('single:ownership', ['Who owns the content I write in Quillstack?']),
]
