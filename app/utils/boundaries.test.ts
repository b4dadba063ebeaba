// The shared boundary pieces that hostile input meets first (issue 14): JSON depth before any
// recursion, strict UTF-8, http(s)-only stored links, same-site redirects, the Express safety net.
import { describe, expect, it, vi } from 'vitest'
import { contentSchema } from '~/services/catalog/schemas'
import { versionDraftInput, versionFormSchema } from '~/services/products/schemas'
import { DomainError } from './errors'
import { safeRedirect } from './forms.server'
import { isHttpUrl } from './schemas'
import {
  assertNoOperatorKeys,
  decodeUtf8,
  jsonDepth,
  MAX_JSON_DEPTH,
  parseJsonText,
} from './validation.server'
import { errorHandler, guardListener } from '../../server/guard'

const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`
const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`

function refusalCode(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    if (error instanceof DomainError) return error.code
    throw error
  }
  return undefined
}

describe('JSON bodies', () => {
  it('measures nesting without being fooled by brackets inside strings', () => {
    expect(jsonDepth('{"a": [1, {"b": "[[[{{{"}]}')).toBe(3)
    expect(jsonDepth('"\\"[["')).toBe(0)
    expect(jsonDepth(deepArray(10_000))).toBe(10_000)
  })

  it('refuses 10,000-deep objects and arrays with a 400 before parsing them', () => {
    expect(refusalCode(() => parseJsonText(deepObject(10_000)))).toBe('too_deep')
    expect(refusalCode(() => parseJsonText(deepArray(10_000)))).toBe('too_deep')
    expect(parseJsonText(deepObject(MAX_JSON_DEPTH))).toBeTypeOf('object')
    expect(refusalCode(() => parseJsonText(deepObject(MAX_JSON_DEPTH + 1)))).toBe('too_deep')
  })

  it('malformed JSON and bytes that are not UTF-8 are 400s', () => {
    expect(refusalCode(() => parseJsonText('{"a": '))).toBe('invalid_json')
    expect(refusalCode(() => decodeUtf8(Uint8Array.from([0x7b, 0xff, 0x7d])))).toBe('bad_utf8')
    expect(decodeUtf8(Buffer.from('{"名": 1}'))).toBe('{"名": 1}')
  })

  it('the operator-key check walks without recursion and names the path', () => {
    let value: unknown = { $where: 1 }
    for (let i = 0; i < 50_000; i++) value = [value]
    expect(refusalCode(() => assertNoOperatorKeys(value))).toBe('operator_key')
    expect(refusalCode(() => assertNoOperatorKeys(JSON.parse('{"__proto__": {"x": 1}}')))).toBe(
      'operator_key',
    )
  })
})

describe('stored links are http or https only', () => {
  const hostile = [
    'javascript:alert(document.cookie)',
    'JavaScript:alert(1)',
    'data:text/html,<script>1</script>',
    'vbscript:x',
    'file:///etc/passwd',
  ]

  it('a catalog distribution’s access URL', () => {
    const base = {
      title: { zh: '目录', en: '' },
      description: { zh: '说明', en: '' },
      category: 'economy',
      dataForm: 'structured',
      fields: [{ name: 'ds', label: { zh: '地市', en: '' }, type: 'code' }],
      sharingType: 'unconditional',
      openAttribute: 'not_open',
      updateFrequency: 'monthly',
      grade: { tier: 'general', level: 1 },
      legalBasis: '《广东省公共数据管理办法》',
    }
    const urlIssues = (accessUrl: string) => {
      const result = contentSchema.safeParse({
        ...base,
        distributions: [{ key: 'api', title: { zh: '接口', en: '' }, format: 'API', accessUrl }],
      })
      return (result.error?.issues ?? [])
        .filter((i) => i.path.join('.') === 'distributions.0.accessUrl')
        .map((i) => i.message)
    }
    expect(urlIssues('https://data.gd.gov.cn/api/x')).toEqual([])
    for (const url of hostile) expect(urlIssues(url), url).toEqual(['error.httpUrl'])
  })

  it('a product version’s API endpoint, by API and by form', () => {
    const inputs = [{ kind: 'catalog-entry', id: 'a'.repeat(24) }]
    expect(
      versionDraftInput.safeParse({ inputs, apiEndpoint: 'https://api.example.cn/v1' }).error,
    ).toBeUndefined()
    for (const url of hostile) {
      expect(
        versionDraftInput.safeParse({ inputs, apiEndpoint: url }).error?.issues[0]?.message,
        url,
      ).toBe('error.httpUrl')
      const form = versionFormSchema.safeParse({
        input: [`catalog-entry:${'a'.repeat(24)}`],
        activityZh: '加工',
        apiEndpoint: url,
      })
      expect(form.success, url).toBe(false)
    }
  })

  it('links stored before the rule are not rendered as links', () => {
    expect(isHttpUrl('http://10.1.2.3:8080/api')).toBe(true)
    for (const url of [...hostile, null, undefined, ''])
      expect(isHttpUrl(url), String(url)).toBe(false)
  })
})

describe('redirects after login and locale switch stay on the site', () => {
  it.each([
    ['/\t/evil.example'],
    ['/\n/evil.example'],
    ['/\r\n//evil.example'],
    ['//evil.example'],
    ['/\\evil.example'],
    ['\\\\evil.example'],
    ['/%2F%2Fevil.example'],
    ['/%2fevil.example'],
    ['https://evil.example/'],
    ['javascript:alert(1)'],
    ['/\u0000/evil.example'],
    ['/\u007f/evil.example'],
  ])('refuses %j', (target) => {
    expect(safeRedirect(target, '/home')).toBe('/home')
  })

  it('keeps same-site paths with their query and fragment', () => {
    expect(safeRedirect('/market?q=%E4%BA%BA#top', '/')).toBe('/market?q=%E4%BA%BA#top')
    expect(safeRedirect('/catalog/entries/abc', '/')).toBe('/catalog/entries/abc')
    expect(safeRedirect(undefined, '/')).toBe('/')
  })
})

describe('the web process answers every request (ADR 026)', () => {
  function fakeResponse() {
    const res = {
      headersSent: false,
      statusCode: 0,
      body: '',
      writeHead(status: number) {
        res.statusCode = status
        return res
      },
      end(body: string) {
        res.body = body
        res.headersSent = true
      },
      status(code: number) {
        res.statusCode = code
        return res
      },
      type() {
        return res
      },
      send(body: string) {
        res.body = body
        res.headersSent = true
      },
      destroy: vi.fn(),
    }
    return res
  }

  it('a listener that throws answers 500 instead of taking the process down', () => {
    const res = fakeResponse()
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    guardListener(() => {
      throw new Error('boom')
    })({} as never, res as never)
    log.mockRestore()
    expect(res.statusCode).toBe(500)
    expect(res.body).toBe('Unexpected Server Error')
  })

  it('the error handler keeps a client error’s 4xx and never sends a stack', () => {
    const res = fakeResponse()
    errorHandler(
      Object.assign(new Error('entity.too.large'), { status: 413 }),
      {} as never,
      res as never,
      () => undefined,
    )
    expect(res.statusCode).toBe(413)
    const failed = fakeResponse()
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    errorHandler(new TypeError('Invalid URL'), {} as never, failed as never, () => undefined)
    log.mockRestore()
    expect(failed.statusCode).toBe(500)
    expect(failed.body).not.toMatch(/at |TypeError/)
  })
})
