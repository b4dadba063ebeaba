// A licence as an ODRL 2.2 Agreement (JSON-LD): the permissions, prohibitions and duties the
// licence page states in plain words (issue 6; Art. 24, 26, 46). Browser-safe (no Node imports).
// ODRL has no term for "only these columns": the profile's `gdpde:permittedFields` says it.

export interface OdrlLicenceInput {
  id: string
  origin: string
  licensee: { id: string; uscc: string | null; name: string }
  licensor: { id: string; uscc: string | null; name: string }
  target: { kind: 'product' | 'catalog-entry'; id: string; versionId: string | null; title: string }
  purpose: string
  scenario: string
  permittedFields: string[]
  deliveryMode: string
  start: string
  end: string
  derivationAllowed: boolean
  redistribution: boolean
  researchOnly: boolean
  commercialUse: boolean
  usageReport: string
  standing: string
}

const PERIOD: Record<string, string> = { monthly: 'P1M', quarterly: 'P3M', yearly: 'P1Y' }

function party(origin: string, p: OdrlLicenceInput['licensee']) {
  return {
    '@type': 'odrl:Party',
    uid: p.uscc ? `urn:uscc:${p.uscc}` : `${origin}/orgs/${p.id}`,
    'vcard:fn': p.name,
  }
}

/** Art. 24, 26, 46: the licence's terms as an ODRL Agreement. */
export function licenceToOdrl(l: OdrlLicenceInput) {
  const target = {
    '@type': 'odrl:Asset',
    uid:
      l.target.kind === 'product'
        ? `${l.origin}/market/${l.target.id}`
        : `${l.origin}/catalog/${l.target.id}`,
    ...(l.target.versionId ? { 'gdpde:version': l.target.versionId } : {}),
    'dct:title': l.target.title,
    ...(l.permittedFields.length ? { 'gdpde:permittedFields': l.permittedFields } : {}),
  }
  const inForce = [
    {
      leftOperand: 'dateTime',
      operator: 'gteq',
      rightOperand: { '@value': l.start, '@type': 'xsd:dateTime' },
    },
    {
      leftOperand: 'dateTime',
      operator: 'lt',
      rightOperand: { '@value': l.end, '@type': 'xsd:dateTime' },
    },
    { leftOperand: 'purpose', operator: 'eq', rightOperand: l.purpose },
    { leftOperand: 'gdpde:scenario', operator: 'eq', rightOperand: l.scenario },
  ]
  const duties =
    l.usageReport in PERIOD
      ? [
          {
            action: 'inform',
            'gdpde:what': 'usage report (Art. 46)',
            constraint: [
              {
                leftOperand: 'timeInterval',
                operator: 'eq',
                rightOperand: { '@value': PERIOD[l.usageReport], '@type': 'xsd:duration' },
              },
            ],
          },
        ]
      : []
  const permission = [
    {
      action: 'use',
      target: target.uid,
      constraint: inForce,
      ...(duties.length ? { duty: duties } : {}),
    },
    ...(l.derivationAllowed ? [{ action: 'derive', target: target.uid, constraint: inForce }] : []),
    ...(l.redistribution
      ? [{ action: 'distribute', target: target.uid, constraint: inForce }]
      : []),
  ]
  const prohibition = [
    ...(!l.redistribution ? [{ action: 'distribute', target: target.uid }] : []),
    ...(!l.derivationAllowed ? [{ action: 'derive', target: target.uid }] : []),
    ...(!l.commercialUse || l.researchOnly
      ? [{ action: 'commercialize', target: target.uid }]
      : []),
    { action: 'transfer', target: target.uid },
  ]
  return {
    '@context': [
      'http://www.w3.org/ns/odrl.jsonld',
      {
        gdpde: `${l.origin}/ns/licence#`,
        dct: 'http://purl.org/dc/terms/',
        vcard: 'http://www.w3.org/2006/vcard/ns#',
        xsd: 'http://www.w3.org/2001/XMLSchema#',
      },
    ],
    '@type': 'Agreement',
    uid: `${l.origin}/licences/${l.id}`,
    profile: `${l.origin}/ns/licence`,
    assigner: party(l.origin, l.licensor),
    assignee: party(l.origin, l.licensee),
    target,
    'gdpde:deliveryMode': l.deliveryMode,
    'gdpde:researchOnly': l.researchOnly,
    'gdpde:standing': l.standing,
    permission,
    prohibition,
    ...(duties.length
      ? { obligation: duties.map((d) => ({ ...d, assignee: party(l.origin, l.licensee).uid })) }
      : {}),
  }
}
