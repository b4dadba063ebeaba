// Every seeded role logs in through the real login page in Chromium, against
// the production build, in Chinese or English; plus the language switch, a
// wrong password, a 403 page and the same forms with JavaScript turned off.
import type { Browser, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '#models/user'
import { en } from '~/i18n/en'
import { zh } from '~/i18n/zh'
import { DEMO_PASSWORD, DEMO_USERS } from '~/services/demo/seed.server'
import { ROLE_HOME } from '~/utils/permissions'
import {
  launchBrowser,
  openPage,
  screenshotPath,
  seriousViolations,
  startApp,
  type OpenedPage,
  type RunningApp,
} from './harness'

type Lang = 'zh' | 'en'
const MESSAGES = { zh, en } as const
const BROWSER_LOCALE: Record<Lang, string> = { zh: 'zh-CN', en: 'en-US' }

// The home heading of each role (role-home.tsx renders it as the page's h1).
const HOME_TITLE: Record<Role, (lang: Lang) => string> = {
  authority_admin: (l) => MESSAGES[l].home.authority.title,
  agency_staff: (l) => MESSAGES[l].home.agency.title,
  provider_staff: (l) => MESSAGES[l].home.provider.title,
  buyer_staff: (l) => MESSAGES[l].home.buyer.title,
  researcher: (l) => MESSAGES[l].home.research.title,
  regulator: (l) => MESSAGES[l].home.regulator.title,
  data_subject: (l) => MESSAGES[l].home.subject.title,
}

function demoUser(email: string) {
  const user = DEMO_USERS.find((u) => u.email === email)
  if (!user) throw new Error(`${email} is not a seeded demo user`)
  return user
}

const ROLE_CASES: { name: string; email: string; lang: Lang; timezoneId: string }[] = [
  {
    name: 'authority',
    email: 'authority@demo.gd.example',
    lang: 'zh',
    timezoneId: 'Asia/Shanghai',
  },
  { name: 'agency-psb', email: 'psb@demo.gd.example', lang: 'en', timezoneId: 'Europe/London' },
  { name: 'provider', email: 'provider@demo.gd.example', lang: 'zh', timezoneId: 'Asia/Shanghai' },
  { name: 'buyer', email: 'buyer@demo.gd.example', lang: 'en', timezoneId: 'America/New_York' },
  {
    name: 'researcher',
    email: 'researcher@demo.gd.example',
    lang: 'zh',
    timezoneId: 'Asia/Hong_Kong',
  },
  { name: 'regulator', email: 'regulator@demo.gd.example', lang: 'en', timezoneId: 'UTC' },
  {
    name: 'data-subject',
    email: 'zhangwei@demo.gd.example',
    lang: 'zh',
    timezoneId: 'America/Los_Angeles',
  },
]

// What Chromium itself logs for a document or fetch answered with an expected 4xx.
const EXPECTED_STATUS = (status: number) =>
  new RegExp(`Failed to load resource: .*status of ${status}\\b`)

let app: RunningApp
let browser: Browser
const opened: OpenedPage[] = []

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await Promise.all(opened.map((o) => o.context.close().catch(() => undefined)))
  await browser?.close()
  await app?.stop()
}, 30_000)

async function open(options: Parameters<typeof openPage>[2]) {
  const result = await openPage(browser, app.baseUrl, options)
  opened.push(result)
  return result
}

async function htmlLang(page: Page) {
  return page.locator('html').getAttribute('lang')
}

function expectCleanConsole(o: OpenedPage, allowed: RegExp[] = []) {
  expect(o.console.hydrationErrors(), 'hydration errors in the browser console').toEqual([])
  expect(o.console.unexpected(allowed), 'errors in the browser console').toEqual([])
}

/** Waits until React has hydrated the document (Remix sets window.__remixRouter before hydrating). */
async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const w = window as unknown as { __remixRouter?: { state?: { initialized?: boolean } } }
    return Boolean(w.__remixRouter?.state?.initialized)
  })
  // Give React's concurrent hydration a moment to report mismatches.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))))
}

async function fillLogin(page: Page, lang: Lang, email: string, password: string) {
  await page.getByLabel(MESSAGES[lang].login.email).fill(email)
  await page.getByLabel(MESSAGES[lang].login.password, { exact: true }).fill(password)
}

function loginButton(page: Page, lang: Lang) {
  return page
    .locator('main')
    .getByRole('button', { name: MESSAGES[lang].login.submit, exact: true })
}

/** Logs in through the page (JavaScript on) and waits for the role's home. */
async function loginAs(page: Page, lang: Lang, email: string) {
  await page.goto('/login')
  await hydrated(page)
  await fillLogin(page, lang, email, DEMO_PASSWORD)
  const home = ROLE_HOME[demoUser(email).role]
  await Promise.all([
    page.waitForURL((url) => url.pathname === home),
    loginButton(page, lang).click(),
  ])
  return home
}

describe('e2e: each seeded role logs in through the browser', () => {
  for (const c of ROLE_CASES) {
    it(`${c.name} (${c.lang}) lands on its home page`, async () => {
      const role = demoUser(c.email).role
      const o = await open({ locale: BROWSER_LOCALE[c.lang], timezoneId: c.timezoneId })
      const { page } = o

      // First visit: Accept-Language decides the language.
      const response = await page.goto('/login')
      expect(response?.status()).toBe(200)
      expect(await htmlLang(page)).toBe(c.lang)
      await expect
        .poll(() => page.locator('main h1').textContent())
        .toBe(MESSAGES[c.lang].login.title)
      await hydrated(page)

      await fillLogin(page, c.lang, c.email, DEMO_PASSWORD)
      await Promise.all([
        page.waitForURL((url) => url.pathname === ROLE_HOME[role], { timeout: 15_000 }),
        loginButton(page, c.lang).click(),
      ])
      // The URL can change a moment before the new page renders: wait for its heading.
      await expect
        .poll(() => page.locator('main h1').first().textContent())
        .toBe(HOME_TITLE[role](c.lang))
      expect(await htmlLang(page)).toBe(c.lang)
      // The header now shows who is logged in.
      await expect
        .poll(() => page.locator('header .who').textContent())
        .toContain(demoUser(c.email).displayName)

      // A full reload of the home page (server render + hydration of the role's own page).
      const reload = await page.reload()
      expect(reload?.status()).toBe(200)
      await hydrated(page)
      expect(await page.locator('main h1').first().textContent()).toBe(HOME_TITLE[role](c.lang))

      // Art. 39: the subject's home lists where her data is held (psb's three tables) and who used
      // it (the residents table's copies delivered to amr and nr, amr's program reading his row,
      // amr's verification of zhangwei).
      if (role === 'data_subject') {
        expect(await page.locator('[data-holding]').count()).toBe(3)
        expect(await page.locator('tr[data-use]').count()).toBe(4)
      }
      await page.screenshot({ path: screenshotPath(`${c.name}-${c.lang}`), fullPage: true })
      expectCleanConsole(o)
    })
  }
})

describe('e2e: language, errors and permissions', () => {
  it('the header language button flips zh ↔ en and the choice sticks on the next page', async () => {
    const o = await open({ locale: 'zh-CN' })
    const { page } = o
    await page.goto('/login')
    expect(await htmlLang(page)).toBe('zh')
    await hydrated(page)

    const switchButton = page
      .locator('header')
      .getByRole('button', { name: zh.nav.switchTo, exact: true })
    await Promise.all([page.waitForURL((url) => url.pathname === '/login'), switchButton.click()])
    await expect.poll(() => htmlLang(page)).toBe('en')
    expect(await page.locator('main h1').textContent()).toBe(en.login.title)
    await hydrated(page)

    // The next page, reached by a client-side link, stays in English …
    await page.locator('header').getByRole('link', { name: en.nav.register, exact: true }).click()
    await page.waitForURL((url) => url.pathname === '/register')
    await expect.poll(() => page.locator('main h1').textContent()).toBe(en.register.title)
    expect(await htmlLang(page)).toBe('en')
    // … and so does a fresh document load.
    await page.goto('/')
    expect(await htmlLang(page)).toBe('en')
    expect(await page.locator('main h1').textContent()).toBe(en.app.name)
    await hydrated(page)

    // Logged in, the switch keeps the user on the page they were on.
    const home = await loginAs(page, 'en', 'provider@demo.gd.example')
    await hydrated(page)
    await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/set-locale') && r.request().method() === 'POST',
      ),
      page.locator('header').getByRole('button', { name: en.nav.switchTo, exact: true }).click(),
    ])
    await expect.poll(() => htmlLang(page)).toBe('zh')
    expect(new URL(page.url()).pathname).toBe(home)
    expect(await page.locator('main h1').first().textContent()).toBe(zh.home.provider.title)
    await hydrated(page)
    expectCleanConsole(o)
  })

  it('a wrong password answers 401 with the message in the page language', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const o = await open({ locale: BROWSER_LOCALE[lang] })
      const { page } = o
      await page.goto('/login')
      await hydrated(page)
      await fillLogin(page, lang, 'authority@demo.gd.example', 'not-the-password-1')
      const [response] = await Promise.all([
        page.waitForResponse(
          (r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/login'),
        ),
        loginButton(page, lang).click(),
      ])
      expect(response.status()).toBe(401)
      const alert = page.locator('main [role="alert"]')
      await alert.waitFor()
      expect(await alert.textContent()).toBe(MESSAGES[lang].error.invalidCredentials)
      expect(new URL(page.url()).pathname).toBe('/login')
      // Not logged in: the header still offers the login link.
      expect(
        await page.locator('header').getByRole('link', { name: MESSAGES[lang].nav.login }).count(),
      ).toBe(1)
      expectCleanConsole(o, [EXPECTED_STATUS(401)])
    }
  })

  it('a buyer who opens /authority gets a 403 page', async () => {
    const o = await open({ locale: 'en-US' })
    const { page } = o
    await loginAs(page, 'en', 'buyer@demo.gd.example')

    const response = await page.goto('/authority')
    expect(response?.status()).toBe(403)
    expect(await htmlLang(page)).toBe('en')
    const heading = page.locator('main [role="alert"] h1')
    expect(await heading.textContent()).toBe(`403 · ${en.error.accessDenied}`)
    expect(await page.locator('main [role="alert"] p').textContent()).toBe(en.error.forbidden)
    // The authority's data is not on the page.
    expect(await page.getByText(en.home.authority.title).count()).toBe(0)
    await hydrated(page)
    await page.screenshot({ path: screenshotPath('buyer-403-en'), fullPage: true })
    expectCleanConsole(o, [EXPECTED_STATUS(403)])
  })

  it('the accessibility check that runs on every page finds what it must', async () => {
    // What the audit of every visited page looks for: here a page made to break two critical rules.
    const { page } = await open({ locale: 'en-US' })
    await page.setContent(
      '<html lang="en"><body><main><img src="/x.png"><button></button></main></body></html>',
    )
    const found = await seriousViolations(page)
    expect(found.some((v) => v.startsWith('critical image-alt'))).toBe(true)
    expect(found.some((v) => v.startsWith('critical button-name'))).toBe(true)
    await page.setContent(
      '<html lang="en"><head><title>ok</title></head><body><main><h1>ok</h1><img src="/x.png" alt="x"><button>Go</button></main></body></html>',
    )
    expect(await seriousViolations(page)).toEqual([])
  })
})

describe('e2e: the forms work without JavaScript', () => {
  it('logs in, switches language and logs out with JavaScript disabled', async () => {
    const o = await open({ locale: 'en-US', javaScriptEnabled: false })
    const { page } = o
    const submitted = (pathname: string) => (r: Response) =>
      r.request().method() === 'POST' &&
      r.request().isNavigationRequest() &&
      new URL(r.url()).pathname === pathname

    let response = await page.goto('/login')
    expect(await htmlLang(page)).toBe('en')

    // Wrong password: the server answers the document POST itself.
    await fillLogin(page, 'en', 'regulator@demo.gd.example', 'not-the-password-1')
    ;[response] = await Promise.all([
      page.waitForResponse(submitted('/login')),
      loginButton(page, 'en').click(),
    ])
    expect(response?.status()).toBe(401)
    await page.waitForLoadState()
    expect(await page.locator('main [role="alert"]').textContent()).toBe(
      en.error.invalidCredentials,
    )

    // Right password: redirected to the regulator's home.
    await fillLogin(page, 'en', 'regulator@demo.gd.example', DEMO_PASSWORD)
    await Promise.all([
      page.waitForURL((url) => url.pathname === ROLE_HOME.regulator),
      loginButton(page, 'en').click(),
    ])
    expect(await page.locator('main h1').first().textContent()).toBe(en.home.regulator.title)

    // Language switch: a plain form post and redirect back to the same page.
    await Promise.all([
      page.waitForResponse(submitted('/set-locale')),
      page.locator('header').getByRole('button', { name: en.nav.switchTo, exact: true }).click(),
    ])
    await page.waitForLoadState()
    expect(new URL(page.url()).pathname).toBe(ROLE_HOME.regulator)
    expect(await htmlLang(page)).toBe('zh')
    expect(await page.locator('main h1').first().textContent()).toBe(zh.home.regulator.title)

    // The regulator's verify form works too.
    await Promise.all([
      page.waitForResponse(submitted(ROLE_HOME.regulator)),
      page.locator('main').getByRole('button', { name: zh.home.regulator.verify }).click(),
    ])
    await page.waitForLoadState()
    expect(await page.locator('main [role="status"]').textContent()).toMatch(
      /^日志链验证通过：共 \d+ 条，最新 #\d+$/,
    )
    await page.screenshot({ path: screenshotPath('regulator-nojs-zh'), fullPage: true })

    // Log out: back to the landing page, still in Chinese, logged out.
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/'),
      page.locator('header').getByRole('button', { name: zh.nav.logout, exact: true }).click(),
    ])
    expect(await htmlLang(page)).toBe('zh')
    expect(await page.locator('main h1').textContent()).toBe(zh.app.name)
    await page.goto(ROLE_HOME.regulator)
    expect(new URL(page.url()).pathname).toBe('/login')
    expectCleanConsole(o, [EXPECTED_STATUS(401)])
  })
})
