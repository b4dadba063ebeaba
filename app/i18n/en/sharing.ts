// English: Sharing between agencies (C4; Art. 22–24): requests, replies and grants.
import type { Messages } from '../zh'

export const sharing: Messages['sharing'] = {
  nav: 'Sharing',
  title: 'Data sharing requests',
  intro:
    'Ask a source department for data listed in the catalog (Art. 22–24): unconditionally shared data is granted at once; conditionally shared data is answered by the source department within 5 working days.',
  fromCatalog: 'Choose the data to ask for in the catalog',
  inbox: 'Requests for our data',
  mine: 'Our requests',
  none: 'No requests.',
  entry: 'Catalog entry',
  source: 'Source department',
  requester: 'Requesting agency',
  scenario: 'Business scenario',
  usingUnit: 'Using unit',
  duty: 'Duty it serves',
  fields: 'Fields needed',
  mode: 'Mode',
  periodEnd: 'Use until',
  replyDue: 'Reply due',
  noPassOn:
    'Shared data serves your own duties only: it may not be passed on, provided to others or published (Art. 46 ¶3); every access is logged.',
  hint: {
    scenario: 'The business process the data is used in.',
    usingUnit: 'The division or subordinate unit that uses the data.',
    duty: 'The statutory duty and where it comes from (law, regulation, rule or mandate).',
    fields: 'Tick only the fields the work needs (minimal authorization, Art. 24).',
  },
  status: { pending: 'Awaiting reply', granted: 'Agreed', refused: 'Refused' },
  modes: { api: 'API', file: 'File', offline: 'Offline' },
  new: {
    title: 'Request shared data',
    unconditional:
      'This data is shared unconditionally: it is granted when you submit (Art. 23 ¶1).',
    conditional:
      'This data is shared on conditions: the source department replies within 5 working days (Art. 23 ¶2).',
    submit: 'Submit request',
    sent: 'Request submitted.',
  },
  reply: {
    title: 'Reply',
    agree: 'Agree to share',
    refuse: 'Refuse',
    fieldsHint: 'You may agree to fewer fields than asked, never more (Art. 24).',
    refuseHint:
      'A refusal names the law, regulation or rule and the article it rests on (Art. 23 ¶2).',
    instrument: 'Law, regulation or rule',
    article: 'Article',
  },
  answered: {
    granted: 'Sharing agreed; the grant is in force.',
    refused: 'Sharing refused; the requesting agency is told.',
  },
  decision: {
    granted: 'The source department agreed',
    refused: 'The source department refused',
    at: 'Answered',
    how: 'How',
    automatic: 'Unconditionally shared: granted automatically',
    end: 'Grant ends',
    deliveryDue: 'Data due by',
    citation: 'Grounds',
    note: 'Note',
  },
  escalated: 'Escalated to the data authority',
  coordination: {
    title: 'Coordinating sharing requests',
    intro:
      'Sharing requests unanswered after 5 working days (Art. 23 ¶2) are coordinated by the data authority (Art. 22). What you record is logged and sent to both agencies; the answer stays the source department’s.',
    none: 'No sharing request is overdue.',
    note: 'What was done',
    record: 'Record',
    recorded: 'Coordination recorded; both agencies are told.',
    count_one: 'coordinated once',
    count_other: 'coordinated {{count}} times',
    receipt: 'log entry {{seq}}',
  },
  revoke: {
    title: 'Revoke the grant',
    hint: 'Access stops at once; using the data again takes a new request (Art. 24).',
    reason: 'Reason',
    done: 'Grant revoked; the requesting agency is told.',
    revoked: 'Grant revoked',
  },
  linkFromEntry: 'Request this data',
}

export const sharingErrors: Messages['error']['sharing'] = {
  badId: 'Not a valid sharing request id.',
  badDate: 'Use a date in the form YYYY-MM-DD.',
  fieldName: 'Not a valid field name.',
  notFound: 'No such sharing request or catalog entry.',
  notAgency:
    'Only government agencies request shared public data (Art. 22); enterprises and institutions apply through the data authority or the source department.',
  notShared: 'This data is not shared: ask for verification or comparison instead (Art. 23 ¶3).',
  ownEntry: 'This is your own department’s data; there is nothing to request.',
  notSource: 'Only the data’s source department replies to a sharing request.',
  alreadyAnswered: 'This sharing request has already been answered.',
  citationInstrument:
    'A refusal names the law, regulation or rule it rests on (Art. 23 ¶2); a generic phrase such as “relevant laws and regulations” is not enough.',
  citationArticle: 'Name the article it rests on, for example “Art. 12”.',
  endPast: 'The end must be after today.',
  endAfterAsked: 'The end cannot be later than the end asked for.',
  notOverdue: 'Only a request whose reply is overdue needs coordinating.',
  noteRequired: 'Say what was done (at least 4 characters).',
  notGranted: 'Only an agreed request has a grant to revoke.',
  revokeReason: 'Give the reason for revoking (at least 4 characters).',
}
