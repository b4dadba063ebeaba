// The order the suite's files start in. Vitest runs the files that took longest last time first,
// so short files fill the gaps at the end; a fresh clone has no timings and Vitest falls back to
// file size, which put some of the 20–45 s end-to-end files last and left one worker idle at the
// end (vitest 299 s on a fresh clone against 258 s with timings). The end-to-end files go first in
// either case, each group in Vitest's own order.
import { BaseSequencer, type TestSpecification } from 'vitest/node'

const isEndToEnd = (spec: TestSpecification) => /[\\/]tests[\\/]e2e[\\/]/.test(spec.moduleId)

export default class EndToEndFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    return [...sorted.filter(isEndToEnd), ...sorted.filter((s) => !isEndToEnd(s))]
  }
}
