// English: Refusals that belong to no one capability (ids, lists, forms, identity numbers, passwords…); each capability keeps its own beside its text.
import type { Messages } from '../zh'
import { calendarErrors, catalogErrors, dcatErrors } from './catalog'
import { ledgerErrors, regulatorConsoleErrors } from './ledger'
import { licencesErrors } from './licences'
import { fingerprintErrors, marketErrors, searchErrors } from './market'
import { openDataErrors } from './open-data'
import { ordersErrors } from './orders'
import { researchErrors } from './research'
import { scanErrors } from './scan'
import { sharingErrors } from './sharing'
import { verificationErrors } from './verification'
import { supervisionErrors } from './supervision'

export const error: Messages['error'] = {
  badId: 'Not a valid identifier (24 hexadecimal digits expected).',
  list: {
    badPage: 'The page must be a whole number from 1.',
    badSort: 'This list cannot be sorted that way.',
  },
  regulatorConsole: regulatorConsoleErrors,
  market: marketErrors,
  supervision: supervisionErrors,
  research: researchErrors,
  licences: licencesErrors,
  orders: ordersErrors,
  sharing: sharingErrors,
  verification: verificationErrors,
  fingerprint: fingerprintErrors,
  search: searchErrors,
  dcat: dcatErrors,
  openData: openDataErrors,
  title: 'Something went wrong',
  notFound: 'Page not found',
  accessDenied: 'Access denied',
  forbidden: 'You do not have permission to do that.',
  unauthenticated: 'Please log in.',
  badRequest: 'The request could not be understood.',
  invalidCredentials: 'E-mail or password is wrong.',
  orgPending: 'Your organization is still awaiting approval by the data authority.',
  orgRejected: 'Your organization’s registration was returned by the data authority.',
  tooManyAttempts: 'Too many login attempts. Try again in {{seconds}} seconds.',
  tooManyRegistrations: 'Too many registrations. Try again in {{seconds}} seconds.',
  weakPassword: 'This password is too weak: {{reason}}.',
  demoInProduction:
    'The demo world is not created in production (NODE_ENV=production): use npm run bootstrap for the first account.',
  storageQuota:
    'Your organisation’s storage quota ({{quotaGiB}} GiB) is used up: remove draft files or ask the data authority for more.',
  csrf: 'This form was submitted from another site and was refused.',
  uscc: { checksum: 'Not a valid unified social credit code (GB 32100 check character).' },
  residentId: { checksum: 'Not a valid resident ID number (GB 11643 check digit).' },
  subject: {
    copyNotFound: 'No such copy.',
    copyNotReady: 'The copy is being made; download it in a moment.',
    notFound: 'No such registered person.',
    alreadyConfirmed: 'This person’s identity is already confirmed.',
    cardMismatch: 'The number does not match the registration: check the person’s card.',
    badCode: 'The code is wrong or no longer valid; ask the identity desk for a new one.',
    notConfirmed: 'Confirm your identity first.',
    complaintNotFound: 'No such complaint.',
    notABody: 'Complaints are about public bodies (government agencies) only.',
    noAuthority: 'No data authority was found at that body’s level.',
    reasonsRequired: 'Not accepting a complaint needs reasons (at least 10 characters).',
    complaintNotAccepted: 'A complaint is decided only once it is accepted.',
    complaintAnswered: 'This step has been answered already.',
    tooShort: 'Too short: please say it fully.',
    tooLong: 'Too long.',
    requestNotFound: 'No such request, or the record is not yours.',
    badField: 'Choose the field to correct (the resident ID itself cannot be corrected here).',
    sameValue: 'The new value is the same as the one held.',
    controlChars: 'The value may not contain line breaks or control characters.',
    requestAnswered: 'This request has been decided already.',
    badDays: 'The deadline is 1 to 60 working days.',
    authorizationNotFound: 'No such authorization.',
    unknownOrg: 'No registered organisation has this unified social credit code.',
    badFields: 'Only fields of this entry can be authorized.',
    noFields: 'Choose at least one field.',
    badEnd: 'The end date must be after today and within five years.',
    authorizationRevoked: 'The person has revoked this authorization.',
    authorizationEnded: 'This authorization is not in force.',
  },
  confidentiality: {
    noteRequired: 'Write the review notes (at least 4 characters).',
    notOpened: 'This entry opens no data; it needs no confidentiality review.',
    alreadyReviewed: 'This content (or this request) has already been reviewed.',
    openingNotReviewed: 'Data to be opened needs your confidentiality review first (Art. 46).',
    openingFailed:
      'The confidentiality review failed (Art. 46): {{note}}. Change the content and review it again, or make it not open.',
    grantNotReviewed:
      'Important data is granted only after its confidentiality review passed (Art. 46).',
    notImportant: 'This request is not for important data; it needs no confidentiality review.',
  },
  project: {
    badName: 'The project name is 2 to 200 characters.',
    notCoordinated:
      'Choose an agency your authority coordinates (at your level and region) as the project unit.',
    badList: 'List the codes of your catalog entries (one per line, at most 500).',
    unknownEntries: 'These are not entries of your catalog: {{refs}}',
    accepted: 'This project has already been accepted.',
    noDataList: 'The project unit has not filed its data list: it cannot be accepted.',
    refused:
      'Acceptance refused (Art. 50). Not catalogued: {{notCatalogued}}; not aggregated: {{notAggregated}}; not shared per its type: {{notShared}}.',
  },
  rectification: {
    notFound: 'No such rectification notice.',
    notCoordinated: 'Choose an agency your authority coordinates (at your level and region).',
    badItem: 'Choose one of the situations of Art. 52.',
    badDays: 'The deadline is 1 to 180 working days.',
    answered: 'This notice has already been answered.',
    notAnswered: 'The body has not answered yet.',
    closed: 'This notice is already closed.',
    tooShort: 'Too short: please say it fully.',
    tooLong: 'Too long.',
  },
  dispute: {
    notFound: 'No such dispute.',
    notABody: 'Choose another public body (an agency or a data authority).',
    noAuthority: 'No data authority coordinates disputes between these two bodies.',
    wrongStage: 'The dispute is not at a stage where this can be done.',
    stageClosed: 'This stage has already been ended.',
    notYours: 'Only the parties end their negotiation; the authority handles the later stages.',
    noInvitees:
      'Invite at least one other body (such as the establishment office) to the joint consultation.',
    tooShort: 'Too short: please say it fully.',
    tooLong: 'Too long.',
  },
  emergency: {
    notFound: 'No such emergency collection.',
    notOwnEntries: 'Only your agency’s own catalog entries can be chosen.',
    noEntries: 'Choose at least one catalog entry.',
    badEnd: 'The end must be after today.',
    tooShort: 'Too short: please say it fully.',
    tooLong: 'Too long.',
  },
  emailTaken: 'This e-mail is already registered.',
  usccTaken: 'An organization with this credit code is already registered.',
  alreadyReviewed: 'This registration has already been reviewed.',
  payloadTooLarge: 'The request body is too large.',
  unsupportedMediaType: 'Unsupported content type.',
  unknownField: 'Unknown field.',
  tooDeep: 'The request body is nested too deeply (at most {{max}} levels).',
  badUtf8: 'The request body is not valid UTF-8 text.',
  httpUrl: 'Enter a web address starting with http:// or https://.',
  operatorKey: 'Field names may not start with “$” or contain “.”.',
  password: { short: 'At least 10 characters.' },
  required: 'Required.',
  catalog: catalogErrors,
  scan: scanErrors,
  calendar: calendarErrors,
  ledger: ledgerErrors,
}
