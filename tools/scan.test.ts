// The scan CLI: same code as the job, exit code 0 passed, 1 failed, 2 unreadable input.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeResidentId } from '~/services/identity/codes'

const dir = mkdtempSync(path.join(os.tmpdir(), 'scan-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, content: string) => {
  const p = path.join(dir, name)
  writeFileSync(p, content)
  return p
}
const run = (...args: string[]) =>
  spawnSync('node_modules/.bin/tsx', ['tools/scan.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  })

describe('npm run scan', () => {
  it('exits 0 and says PASSED for a clean file', () => {
    const r = run(file('clean.csv', '区域,数量\n天河区,3\n'))
    expect(r.stdout).toMatch(/PASSED/)
    expect(r.status).toBe(0)
  })

  it('art32 exits 1 and prints the finding table for a file with IDs', () => {
    const r = run(file('ids.csv', `姓名,身份证号\n张伟,${makeResidentId('44010619900307123')}\n`))
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/身份证号\s+-\s+resident_id\s+1\s+1\.000\s+2\s+/)
  })

  it('prints JSON with --json and reads a schema', () => {
    const schema = file(
      'schema.json',
      JSON.stringify({ columns: [{ name: '编号', personal: false }] }),
    )
    const r = run(
      file('s.csv', `编号\n${makeResidentId('44010619900307123')}\n`),
      '--schema',
      schema,
      '--json',
    )
    expect(r.status).toBe(1)
    const json = JSON.parse(r.stdout) as {
      sheets: { columns: { findings: { reason: string }[] }[] }[]
    }
    expect(json.sheets[0]!.columns[0]!.findings[0]!.reason).toBe('undeclared_personal')
  })

  it('exits 2 for unreadable input or a bad schema', () => {
    expect(run(path.join(dir, 'missing.csv')).status).toBe(2)
    expect(run(file('q.csv', 'a\n"open\n')).status).toBe(2)
    expect(
      run(file('ok.csv', 'a\n1\n'), '--schema', file('bad.json', '{"columns": 3}')).status,
    ).toBe(2)
  })
})
