// C10 (Art. 39, 42) jobs: index a stored table by the data subjects its rows are about; make a
// subject's copy of what is held about them; change a table as a granted request asks. Idempotent: one index per table (its id), one copy per
// request, the files content-addressed.
import { makeSubjectCopy } from '~/services/subjects/copies.server'
import { buildSubjectIndex } from '~/services/subjects/holdings.server'
import { applyRecordChange } from '~/services/subjects/record-requests.server'
import { closeEmergencyCollection } from '~/services/emergency/collections.server'
import { parseJobData } from '../queues'

export async function subjectIndex(data: unknown) {
  const { datasetId } = parseJobData('subject-index', data)
  return buildSubjectIndex(datasetId)
}

export async function subjectCopy(data: unknown) {
  const { copyId } = parseJobData('subject-copy', data)
  return makeSubjectCopy(copyId)
}

export async function subjectRecordChange(data: unknown) {
  const { requestId } = parseJobData('subject-record-change', data)
  return applyRecordChange(requestId)
}

export async function emergencyClose(data: unknown) {
  const { collectionId } = parseJobData('emergency-close', data)
  return closeEmergencyCollection(collectionId)
}
