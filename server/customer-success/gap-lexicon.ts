// Support-domain lexicon for gap-clusters.ts: the jargon, abbreviations and product names that
// customers of any SaaS product use for a handful of recurring support concepts. The bundled GloVe
// vocabulary (agents/local/nlu/word-vectors.ts, the 50,000 most frequent words of news and web text)
// has no vector for most of them ("2fa", "csv", "sso", "login", "workspace") or the wrong sense
// ("mfa" is a Master of Fine Arts, "sync" a boy band, "ad" an advertisement), and the lexical view
// sees "csv", "xlsx" and "spreadsheet" as three unrelated words. Each concept therefore becomes one
// term of the lexical view, whichever way it was written, and in the semantic view the mean vector
// of a few plain in-vocabulary words that say what it is.
//
// Generic on purpose: every entry is vocabulary of software support in general, none a phrase of a
// test or tuning set, and a concept is only as broad as a customer would treat it ("export to CSV"
// and "get it into Excel" are one request; "two-factor" and "single sign-on" are not).

export interface SupportConcept {
  /** The concept's term in the lexical view (never a word customers write, so never confused with one). */
  readonly term: string
  /** In-vocabulary words whose mean vector stands for the concept in the semantic view. */
  readonly anchors: readonly string[]
  /** How customers write it, as normalised tokens (`tokenize(normalizeText(…))`) joined by spaces. */
  readonly forms: readonly string[]
}

const concept = (term: string, anchors: string, forms: string): SupportConcept => ({
  term: `#${term}`,
  anchors: anchors.split(' '),
  forms: forms.split(',').map((f) => f.trim()),
})

export const SUPPORT_CONCEPTS: readonly SupportConcept[] = [
  concept(
    'two-factor',
    'verification security code',
    '2fa, mfa, tfa, totp, otp, otps, two factor, 2 factor, second factor, multi factor, multifactor, ' +
      'two factor authentication, 2 factor authentication, multi factor authentication, ' +
      'multifactor authentication, two factor auth, 2 factor auth, two step, 2 step, two step verification, ' +
      '2 step verification, two step authentication, 2 step authentication, authenticator, authenticators, ' +
      'authenticator app, google authenticator, microsoft authenticator, authy, yubikey, yubikeys, ' +
      'security key, security keys, hardware key, one time code, one time codes, one time password, ' +
      'one time passwords, one time passcode, verification code, verification codes',
  ),
  concept(
    'single-sign-on',
    'corporate identity directory',
    'sso, saml, saml2, okta, onelogin, auth0, ldap, scim, single sign on, single signon, azure ad, ' +
      'azure active directory, active directory, entra id, identity provider, idp',
  ),
  concept(
    'login',
    'password user',
    'login, logins, logon, signin, log in, log on, log into, logging in, logged in, sign in, signing in, ' +
      'signed in, sign into',
  ),
  concept('username', 'user name', 'username, usernames, user name, user names'),
  concept('signup', 'registration register', 'signup, signups, sign up, signing up, signed up'),
  concept(
    'spreadsheet',
    'spreadsheet excel spreadsheets',
    'csv, csvs, tsv, xlsx, xls, ods, excel, ms excel, microsoft excel, spreadsheet, spreadsheets, ' +
      'google sheets, google sheet, comma separated, comma separated values, csv file, csv files',
  ),
  // Only the file type: "Word" alone is also a word, and "Microsoft Word" keeps matching "Word".
  concept('docx', 'word document microsoft', 'docx'),
  concept('markdown', 'text html format', 'markdown, md'),
  concept(
    'api',
    'api programming interface',
    'api, apis, rest api, sdk, sdks, webhook, webhooks, api key, api keys, api token, api tokens, ' +
      'graphql, endpoint, endpoints',
  ),
  concept('automation', 'integration automation', 'zapier, ifttt, integromat, n8n'),
  concept(
    'calendar',
    'calendar schedule',
    'calendar, calendars, ical, ics, gcal, google calendar, outlook calendar, apple calendar, icloud calendar',
  ),
  concept(
    'cloud-storage',
    'cloud storage backup',
    'dropbox, onedrive, gdrive, google drive, icloud, icloud drive',
  ),
  concept('email', 'email mail', 'email, emails, e mail, e mails, mail'),
  concept(
    'sync',
    'synchronization synchronize',
    'sync, syncs, syncing, synced, synch, synching, synchronise, synchronize, synchronising, ' +
      'synchronizing, synchronised, synchronized, synchronisation, synchronization',
  ),
  concept(
    'admin',
    'administrator administrators',
    'admin, admins, superadmin, administrator, administrators',
  ),
  concept('permissions', 'permission access', 'permissions, rbac, access rights, access control'),
  concept('workspace', 'office team', 'workspace, workspaces'),
  concept(
    'plugin',
    'extension software',
    'plugin, plugins, addon, addons, add on, add ons, browser extension',
  ),
  concept('link', 'link links', 'hyperlink, hyperlinks, backlink, backlinks, url, urls'),
  concept('cancel', 'cancel subscription', 'unsubscribe, unsubscribing, unsubscribed'),
  concept(
    'auto-renewal',
    'renewal renew subscription',
    'autorenew, auto renew, auto renewal, auto renewing, auto renews',
  ),
  concept('proration', 'partial refund billing', 'prorate, prorated, proration, pro rata, pro rated'),
  concept('refund', 'refund refunds', 'refund, refunds, refunded, chargeback, chargebacks, money back'),
  concept('invoice', 'invoice receipt', 'invoice, invoices, invoicing, receipt, receipts, tax invoice'),
  concept(
    'tax-id',
    'tax vat',
    'vat, vat number, vat id, vat ids, tax id, tax ids, tax number, gst, sales tax, ein, abn',
  ),
  concept(
    'payment-method',
    'payment card bank',
    'paypal, credit card, credit cards, debit card, debit cards, bank transfer, wire transfer, sepa, ach, ' +
      'iban, direct debit, apple pay, google pay, amex, american express, mastercard, visa card',
  ),
  concept(
    'compliance',
    'compliance privacy regulation',
    'gdpr, ccpa, hipaa, soc 2, soc2, iso 27001, dpa, data processing agreement',
  ),
  concept('lag', 'slow lag', 'laggy, lagging, sluggish'),
  concept('passcode', 'password', 'passcode, passcodes, passphrase'),
  concept('uptime', 'outage downtime', 'uptime, status page'),
  // A table of contents is not a table.
  concept('table-of-contents', 'contents outline index', 'table of contents, toc'),
]
