// How a value is compared in verification (C5): both the stored side (when the index is built)
// and the candidate (when a record is verified) are normalised the same way, by the catalogued
// field type, so 1990/1/5 matches 1990-01-05 and a lower-case x in an ID matches its upper case.

/** NFKC (full-width to half-width), trimmed, inner whitespace collapsed. */
function base(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ')
}

export function normalizeValue(value: string, type: string): string {
  const v = base(value)
  switch (type) {
    case 'code':
      return v.replace(/\s/g, '').toUpperCase()
    case 'date': {
      const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(v)
      return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : v
    }
    case 'integer':
    case 'decimal': {
      const m = /^([+-]?)0*(\d+?)(?:\.(\d*?)0*)?$/.exec(v.replace(/,/g, ''))
      if (!m) return v
      const sign = m[1] === '-' && !/^0+$/.test(m[2]! + (m[3] ?? '')) ? '-' : ''
      return `${sign}${m[2]}${m[3] ? `.${m[3]}` : ''}`
    }
    default:
      return v
  }
}
