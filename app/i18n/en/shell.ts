// English: The frame every page shares: the application, navigation, roles, sign-in and registration, the home page, API keys and common words.
import type { Messages } from '../zh'

export const app: Messages['app'] = {
  name: 'Guangdong Public Data Exchange',
  tagline: 'Public data shared, opened and traded under Provincial Order No. 290',
}

export const nav: Messages['nav'] = {
  home: 'Home',
  login: 'Log in',
  logout: 'Log out',
  register: 'Register an organization',
  apiKeys: 'API keys',
  ledger: 'Transaction log',
  queues: 'Job queues',
  switchTo: '中文',
}

export const roles: Messages['roles'] = {
  authority_admin: 'Data authority',
  agency_staff: 'Agency (source department)',
  provider_staff: 'Data provider',
  buyer_staff: 'Data buyer',
  researcher: 'Researcher',
  regulator: 'Regulator',
  data_subject: 'Data subject',
}

export const orgTypes: Messages['orgTypes'] = {
  authority: 'Data authority',
  agency: 'Government agency',
  provider: 'Provider (market player)',
  buyer: 'Buyer (market player)',
  research: 'University / research institute',
  regulator: 'Regulator',
}

export const landing: Messages['landing'] = {
  intro:
    'Agencies register their data in the catalog and share it under deadlines; the data authority publishes products and models; companies trade derived products with traceable provenance; every state change is written to a tamper-evident transaction log.',
}

export const login: Messages['login'] = {
  title: 'Log in',
  email: 'E-mail',
  password: 'Password',
  submit: 'Log in',
  noAccount: 'New provider or buyer?',
}

export const register: Messages['register'] = {
  title: 'Register a provider or buyer',
  intro: 'The data authority reviews every registration before the organization can log in.',
  orgType: 'Organization type',
  orgNameZh: 'Organization name (Chinese)',
  orgNameEn: 'Organization name (English)',
  uscc: 'Unified social credit code',
  usccHint: '18 characters, GB 32100',
  displayName: 'Your name',
  email: 'E-mail',
  password: 'Password (at least 10 characters)',
  submit: 'Submit registration',
  done: 'Registration received. The data authority will review it; you can log in once it is approved.',
  forPersons: 'Register as a person (data subject)',
  subject: {
    title: 'Register as a person (data subject)',
    intro:
      'A natural person may register with her resident ID to see the records about her in the public data and every use of them (Art. 39, 42). After registering, take your resident ID card to the authority’s identity desk: nothing is shown until your identity is confirmed.',
    residentId: 'Resident ID number',
    residentIdHint: '18 characters, GB 11643',
    done: 'Registration received. Log in, and take your resident ID card to the authority’s identity desk for your code. If you cannot log in, the e-mail or the ID number already has an account.',
    login: 'Log in',
  },
}

export const complaintsDesk: Messages['complaintsDesk'] = {
  nav: 'Data subjects’ complaints',
  title: 'Data subjects’ complaints',
  intro:
    'Complaints about bodies at your level (Art. 43): decide within 5 working days whether to accept (reasons required when not), then decide with reasons within 30 working days of accepting.',
  none: 'No complaint.',
  accept: 'Accept',
  notAccept: 'Do not accept',
  decide: 'Decide',
  note: 'Reasons',
  outcome: 'Outcome',
  daysTitle: 'Deadline for data subjects’ requests',
  daysIntro:
    'The working days a department has to decide a data subject’s objection, correction or deletion request (Art. 42: “in time”).',
  days: 'Working days',
  daysSaved: 'The deadline was saved.',
}

export const emergency: Messages['emergency'] = {
  nav: 'Emergency collections',
  title: 'Emergency collections',
  intro:
    'Data collected by law to respond to an emergency (Art. 40): name the event, the legal basis, the catalog entries the data goes to and the end. Every table stored for those entries meanwhile is tagged; when it ends the system classifies the data with the desensitization scanner, seals what was collected (its data key destroyed, the ciphertext kept for audit), revokes the related sharing grants, withdraws the product versions derived from it and revokes their licences, stops verification and writes a signed report.',
  none: 'No emergency collection.',
  declare: 'Declare an emergency collection',
  event: 'Emergency',
  instrument: 'Legal basis (law or regulation)',
  article: 'Article',
  entries: 'Catalog entries the data goes to',
  endsOn: 'Expected end',
  declareSubmit: 'Declare',
  declared: 'The emergency collection was declared.',
  end: 'The emergency is over',
  ended: 'The emergency collection ended; sealing and the report are under way.',
  closing: 'Sealing and writing the report …',
  report:
    '{{datasets}} tables and {{files}} open-data files sealed ({{sensitive}} tables with personal information or other sensitive content), {{grants}} sharing grants revoked, {{versions}} derived product versions withdrawn, {{licences}} licences revoked. The report is signed and logged.',
  status: { active: 'active', ended: 'ended' },
}

export const authorizations: Messages['authorizations'] = {
  title: 'Authorizations from persons',
  intro:
    'Data that persons authorized your organisation to use (Art. 41): only the fields, purpose and period listed. Programs call the API shown with your organisation’s API key; once the person revokes, calls are refused, and every read is in her use history.',
  none: 'No authorization.',
  person: 'Person',
  data: 'Data',
  purpose: 'Purpose',
  period: 'Period',
  api: 'API',
  states: { active: 'in force', revoked: 'revoked', ended: 'ended' },
}

export const recordRequestsDesk: Messages['recordRequestsDesk'] = {
  nav: 'Data subjects’ requests',
  title: 'Data subjects’ objections and requests',
  intro:
    'Requests about records your agency holds (Art. 42). Decide in time, with reasons; a granted correction or deletion makes a new version of the data (its provenance names the request), from which every later delivery, API answer and verification is made.',
  none: 'No request.',
  record: 'The record as you hold it',
  proposed: 'Asked to read',
  grant: 'Grant',
  refuse: 'Refuse',
  note: 'Reasons (for a granted objection, the measure taken)',
  decided: 'Decided.',
}

export const identityDesk: Messages['identityDesk'] = {
  nav: 'Identity desk',
  title: 'Identity desk',
  intro:
    'Check the resident ID card the person shows you and enter the number on it; when it matches the registration, a one-time code is made — tell it to the person face to face (valid 30 minutes, five tries).',
  none: 'No person’s registration waits for a check.',
  person: 'Registered person',
  registeredAt: 'Registered',
  check: 'Check',
  onCard: 'Number on the card',
  issue: 'Make the code',
  code: 'Code: {{code}} — tell it to the person. Valid until',
}

export const home: Messages['home'] = {
  welcome: 'Welcome, {{name}}',
  org: 'Organization',
  role: 'Role',
  recentLog: 'Recent transaction-log entries',
  noEntries: 'No entries yet.',
  authority: {
    title: 'Data authority console',
    pending: 'Registrations awaiting review',
    noPending: 'No registrations are waiting.',
    approve: 'Approve',
    reject: 'Return',
    reason: 'Reason',
    orgs: 'Organizations',
    ledgerHead: 'Log head',
  },
  agency: {
    title: 'Agency workspace',
    intro: 'Register catalog entries, answer sharing requests and keep your data fresh.',
  },
  provider: {
    title: 'Provider workspace',
    intro: 'List derived data products with traceable provenance.',
  },
  buyer: {
    title: 'Buyer workspace',
    intro: 'Find data products, order them and receive them under licence.',
  },
  research: {
    title: 'Research workspace',
    intro: 'Request public-interest access for research and teaching (Art. 26).',
  },
  regulator: {
    title: 'Regulator console',
    intro:
      'Read-only inspection of the transaction log. Verify it yourself with npm run ledger:verify.',
    verify: 'Verify the chain now',
    verified: 'Chain verified: {{count}} entries, head #{{seq}}',
    broken: 'Chain BROKEN at entry #{{seq}}: {{reason}}',
  },
  subject: {
    title: 'My data',
    intro: 'The records about you in the public data (Art. 39, 42).',
    residentId: 'Resident ID',
    holdings: 'Where my data is held',
    holdingsIntro:
      'The data stored by the source departments of these catalog entries holds a record about you (found by your resident ID); below is your own record. You may read and copy it (Art. 42).',
    none: 'No data stored by the departments holds a record about you at present.',
    source: 'Source department',
    holdingSource: {
      'entry-dataset': 'Source department',
      'product-version': 'Data product of',
      'open-data-file': 'Opened by',
    },
    storedAt: 'Data updated',
    row: 'row {{row}}',
    field: 'Field',
    value: 'Value',
    uses: 'Who used my data',
    usesIntro:
      'Every use of the records above: who, when, for what and on what basis (Art. 39). {{count}} in all; the newest 100 are below, and your copy holds them all.',
    usesNone: 'No use of your data has been recorded yet.',
    useKinds: {
      'sharing-delivery': 'Shared copy holding your record',
      'sharing-api-read': 'Sharing API read your record',
      verification: 'A verification found your record',
      'authorized-read': 'An organisation you authorized read your record',
      'licence-delivery': 'A licensed copy of a data product held your record',
      'research-licence': 'A research licence’s copy held your record',
      'open-data-release': 'Opened to the public in a file holding your record',
    },
    useWho: 'Used by',
    useWhen: 'When',
    usePurpose: 'Purpose',
    useBasis: 'Basis',
    confirmTitle: 'Confirm your identity',
    confirmIntro:
      'To protect your data, nothing about you is shown until your identity is confirmed. Take your resident ID card to the authority’s identity desk; the officer checks it and tells you a 6-digit code to enter here.',
    code: 'Code',
    confirm: 'Confirm',
    confirmed: 'Your identity is confirmed.',
    complaints: 'My complaints',
    complaintsIntro:
      'If a public body broke a law, regulation or rule and harmed your rights, you may complain to the data authority at its level (Art. 43). The authority decides within 5 working days whether to accept it, and decides it with reasons within 30 working days of accepting.',
    complaintNew: 'Make a complaint',
    complaintNone: 'You have made no complaint.',
    respondent: 'Body complained about',
    facts: 'Facts and reasons',
    remedy: 'What you ask for',
    submitComplaint: 'Submit the complaint',
    complaintFiled: 'Your complaint was submitted.',
    complaintStatus: {
      submitted: 'awaiting acceptance',
      accepted: 'accepted, being handled',
      not_accepted: 'not accepted',
      decided: 'decided',
    },
    complaintOutcome: { upheld: 'upheld', partly_upheld: 'partly upheld', dismissed: 'dismissed' },
    dueBy: 'Due',
    overdue: 'overdue',
    copies: 'Copies of my data',
    copiesIntro:
      'You may have a copy of the records above at any time (Art. 42), as CSV and JSON, made in the background and downloadable by you alone.',
    copyAsk: 'Make a copy',
    copyAsked: 'Your copy is being made.',
    copyRepeated: 'A copy was made within this hour: download it below.',
    copyQueued: 'being made',
    copyDone: '{{records}} records',
    copyAt: 'Asked',
    accessLog: 'Log entries naming my account',
    requestAsk: 'Object, correct or delete',
    requests: 'My objections and requests',
    requestsIntro:
      'If a record is wrong, or you find your trade secrets, personal information, privacy or other rights infringed, you may object and ask for a correction, a deletion or another measure (Art. 42). The request goes to the department holding the record, which decides with reasons within the deadline.',
    requestNone: 'You have made no request.',
    requestTitle: 'Object to a record, or ask for a change',
    requestKind: 'Request',
    requestKinds: {
      objection: 'Objection (another measure)',
      correction: 'Correction',
      deletion: 'Deletion',
    },
    requestStatus: { pending: 'awaiting decision', granted: 'granted', refused: 'refused' },
    requestField: 'Field to correct',
    requestProposed: 'Correct value',
    requestReasons: 'Reasons',
    requestSubmit: 'Submit the request',
    requestFiled:
      'Your request was submitted; the department holding the record decides it in time.',
    requestApplied: 'in effect',
    requestPriorCopies: 'Copies holding the record delivered before',
    requestEscalate: 'Not satisfied? Complain to the authority',
    requestRecord: 'Record',
    authorizeAsk: 'Authorize an organisation',
    authorizeTitle: 'Authorize an organisation to use my data',
    authorizations: 'My authorizations',
    authorizationsIntro:
      'You may authorize a named organisation to use named data about you for a purpose until a date (Art. 41), and revoke it at any time: its next call is refused. Every read by the organisation shows under “Who used my data”.',
    authorizationNone: 'You have authorized no organisation.',
    authorizationGranted: 'The authorization is in force.',
    authorizationRevoke: 'Revoke',
    authorizationRevoked: 'The authorization was revoked.',
    authorizeUscc: 'The organisation’s unified social credit code',
    authorizeFields: 'Fields it may use',
    authorizePurpose: 'Purpose',
    authorizeEnd: 'Until',
    authorizeSubmit: 'Authorize',
  },
}

export const apiKeys: Messages['apiKeys'] = {
  expiresAt: 'Expires',
  title: 'API keys',
  intro: 'Programs call /api/v1 with `Authorization: Bearer <key>`. A key is shown once.',
  name: 'Key name',
  create: 'Create key',
  created: 'Copy this key now; it will not be shown again:',
  revoke: 'Revoke',
  revoked: 'revoked',
  none: 'No keys yet.',
}

export const common: Messages['common'] = {
  search: 'Search',
  choose: 'Choose',
  save: 'Save',
  status: 'Status',
  createdAt: 'Created',
  name: 'Name',
  type: 'Type',
  actions: 'Actions',
  first: 'First page',
  next: 'Next page',
  previous: 'Previous page',
  pagination: 'Pages',
  pageN: 'Page {{n}}',
  total_one: '{{count}} item',
  total_other: '{{count}} items',
  sortBy: 'Sort by this column',
  downloadCsv: 'Download CSV',
}

export const disputes: Messages['disputes'] = {
  nav: 'Data disputes',
  title: 'Disputes over public data',
  intro:
    'When public bodies disagree over the collection, use or management of public data (Art. 51), they negotiate first; failing that, the data authority at their level coordinates; failing that, it consults jointly with the establishment office and other bodies; failing that, it sets out each side’s reasons and its leaning opinion and submits them to the Party committee or government at its level for decision. Bodies at different levels or in different regions go to their common upper authority once negotiation fails.',
  none: 'No disputes.',
  open: 'Open a dispute',
  respondent: 'Other body',
  matter: 'Matter',
  matters: { collection: 'Data collection', use: 'Data use', management: 'Data management' },
  facts: 'Facts',
  documents: 'Documents (one per line)',
  asks: 'What you ask for',
  openSubmit: 'Open the dispute',
  opened: 'The dispute is open; the other body and the coordinating authority were told.',
  stages: {
    negotiation: 'Negotiation',
    coordination: 'Coordination by the authority',
    consultation: 'Joint consultation',
    opinion: 'Authority’s opinion',
    submitted: 'Submitted for decision',
    resolved: 'Resolved',
  },
  route: {
    'same-level': 'Coordinated by the authority at their level',
    'common-upper': 'Across levels or regions: their common upper authority',
  },
  roles: {
    claimant: 'Claimant',
    respondent: 'Respondent',
    authority: 'Coordinating authority',
    invited: 'Invited to consult',
  },
  claimant: 'Claimant',
  authority: 'Coordinating authority',
  due: 'Stage deadline',
  current: 'current stage',
  overdue: 'overdue',
  invited: 'Invited to the joint consultation',
  positions: 'Positions',
  noPositions: 'No positions yet.',
  outcomes: 'Stage outcomes',
  outcome: { resolved: 'resolved', failed: 'not resolved' },
  position: 'State your position',
  positionSubmit: 'Submit',
  close: 'End this stage',
  closeNote: 'Outcome',
  resolvedSubmit: 'Resolved',
  failedSubmit: 'Not resolved: next stage',
  invite: 'Bodies to invite (when coordination fails)',
  opinion: 'Leaning opinion',
  claimantReasons: 'Claimant’s reasons',
  respondentReasons: 'Respondent’s reasons',
  leaning: 'Leaning opinion',
  submittedTo: 'Submitted to',
  submittedToDefault: 'People’s Government of Guangdong Province',
  opinionSubmit: 'Submit for decision',
  decision: 'Decision',
  decisionSubmit: 'Record the decision',
  saved: 'Saved.',
  view: 'Open',
}

export const rectifications: Messages['rectifications'] = {
  nav: 'Rectification notices',
  title: 'Rectification within a deadline',
  intro:
    'When a public body is in one of the situations of Art. 52, the data authority notifies it to rectify within a deadline; a notice not rectified in time is reported to the government at the authority’s level for supervision, which orders it corrected.',
  none: 'No rectification notices.',
  agency: 'Body',
  item: 'Situation',
  items: {
    '1': 'Did not collect, verify and provide the business data within its remit as required',
    '2': 'Did not compile or update the public data resource catalog as required',
    '3': 'Did not connect the public data it manages to the provincial big-data centre as required',
    '4': 'Did not use shared data as prescribed',
    '5': 'Leaked, sold or unlawfully provided public data involving trade secrets, personal information or privacy',
    '6': 'Altered or deleted public data without authorization',
    '7': 'Did not use e-signatures, e-seals, e-licences and e-archives as required',
    '8': 'Asked units or persons again for proofs obtainable through the big-data centre',
    '9': 'Other failures to manage its public data as the data authority requires',
    '10': 'Other violations of laws, regulations and rules',
  },
  finding: 'What was found',
  evidence: 'Log entries it rests on (sequence numbers, optional)',
  days: 'Deadline (working days)',
  issue: 'Issue a rectification notice',
  issueSubmit: 'Issue the notice',
  issued: 'The rectification notice was issued.',
  due: 'Deadline',
  status: {
    issued: 'to rectify',
    escalated: 'overdue: reported for government supervision',
    answered: 'answered',
    closed: 'closed',
  },
  measures: 'Measures taken',
  answerSubmit: 'Answer the notice',
  answered: 'Answered.',
  closeNote: 'Assessment',
  closeSubmit: 'Confirm the rectification',
  closed: 'Closed.',
  seal: 'Electronic seal',
  sealOk: 'valid (the exchange’s signing key)',
  sealBad: 'verification failed',
  sealKey: 'key',
  sealDownload: 'Download the sealed file (check it offline with npm run seal:verify)',
}
