// Prints the ten slowest test files at the end of a run (issue 15: keep the suite fast by seeing
// where its time goes). Time per file = import + setup + every test and hook.
import type { Reporter, TestModule } from 'vitest/node'

export default class SlowestFiles implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules
      .map((m) => {
        const d = m.diagnostic()
        return {
          file: m.relativeModuleId,
          ms: d.collectDuration + d.setupDuration + d.prepareDuration + d.duration,
        }
      })
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10)
    if (rows.length === 0) return
    console.log('\nSlowest test files (import + setup + tests and hooks):')
    for (const r of rows) console.log(`  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.file}`)
  }
}
