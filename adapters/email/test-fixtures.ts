// Inbound email fixtures for tests: raw MIME files as mail servers deliver them (fixtures/*.eml, CRLF
// line ends) and a Postmark inbound webhook body (shape from Postmark's inbound webhook reference).
import { readFileSync } from 'node:fs'

export function eml(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}.eml`, import.meta.url), 'utf8')
}

export const POSTMARK = {
  FromName: 'Sam Smith',
  MessageStream: 'inbound',
  From: 'Sam.Smith@Example.com',
  FromFull: { Email: 'Sam.Smith@Example.com', Name: 'Sam Smith', MailboxHash: '' },
  To: '"Acme Support" <support+7f3a@inbound.acme.example>',
  ToFull: [{ Email: 'support+7f3a@inbound.acme.example', Name: 'Acme Support', MailboxHash: '7f3a' }],
  Cc: '',
  CcFull: [],
  Bcc: '',
  BccFull: [],
  OriginalRecipient: 'support+7f3a@inbound.acme.example',
  Subject: 'Re: Can\u2019t log in to my account',
  MessageID: '73e6d360-66eb-11e1-8e72-a8904824019b',
  ReplyTo: '',
  MailboxHash: '7f3a',
  Date: 'Tue, 5 Mar 2024 11:20:33 +0100',
  TextBody:
    'That worked, thank you! Can I turn on two-factor login?\r\n\r\nThanks,\r\nSam\r\n\r\nOn Tue, 5 Mar 2024 at 11:02, Acme Support <support@acme.example> wrote:\r\n> Please clear your cookies and try again.\r\n',
  HtmlBody:
    '<div dir="ltr">That worked, thank you! Can I turn on two-factor login?<br><br>Thanks,<br>Sam</div><div class="gmail_quote">On Tue, 5 Mar 2024 at 11:02, Acme Support &lt;support@acme.example&gt; wrote:<br><blockquote>Please clear your cookies and try again.</blockquote></div>',
  StrippedTextReply: 'That worked, thank you! Can I turn on two-factor login?\r\n\r\nThanks,\r\nSam',
  Tag: '',
  Headers: [
    { Name: 'X-Spam-Checker-Version', Value: 'SpamAssassin 3.3.1 (2010-03-16) on rs-ord-mta02' },
    { Name: 'X-Spam-Status', Value: 'No' },
    { Name: 'X-Spam-Score', Value: '-0.1' },
    {
      Name: 'Received-SPF',
      Value: 'Pass (sender SPF authorized) identity=mailfrom; client-ip=209.85.220.41',
    },
    { Name: 'MIME-Version', Value: '1.0' },
    { Name: 'Message-ID', Value: '<CAKx8Yv3Reply77+Qw2=Aa1b2c3@mail.gmail.com>' },
    { Name: 'In-Reply-To', Value: '<0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example>' },
    {
      Name: 'References',
      Value:
        '<CAKx8Yv2p3Jq9w+Uo1=Zz7b2n3K4mL5@mail.gmail.com> <0b6f5a9e-6a43-4d3e-9a57-3c1a7a1f0c11@acme.example>',
    },
  ],
  Attachments: [
    {
      Name: 'screenshot.png',
      Content:
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      ContentType: 'image/png',
      ContentLength: 70,
      ContentID: '',
    },
  ],
}
