// C10 (Art. 39, 42) jobs: index a stored table by the data subjects its rows are about.
// Idempotent: one index per table (its id), the file content-addressed.
import { buildSubjectIndex } from '~/services/subjects/holdings.server'
import { parseJobData } from '../queues'

export async function subjectIndex(data: unknown) {
  const { datasetId } = parseJobData('subject-index', data)
  return buildSubjectIndex(datasetId)
}
