// Vocabularies of sharing between agencies (C4; Art. 22–24). Browser-safe: the forms, the models
// and the services read the same lists.

/** How the data reaches the requester (Art. 23 ¶4: online by API or file, or offline). */
export const SHARING_MODES = ['api', 'file', 'offline'] as const
export type SharingMode = (typeof SHARING_MODES)[number]

export const SHARING_REQUEST_STATUSES = ['pending', 'granted', 'refused'] as const
export type SharingRequestStatus = (typeof SHARING_REQUEST_STATUSES)[number]

export const SHARING_OUTCOMES = ['granted', 'refused'] as const
export type SharingOutcome = (typeof SHARING_OUTCOMES)[number]
