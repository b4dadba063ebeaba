// CSV as the exchange exports it for people: RFC 4180, UTF-8 with a byte-order mark (so Excel shows
// Chinese text), cells that a spreadsheet would run as a formula neutralised.

/** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** A whole table as one download (lists of at most a few thousand rows; the log streams instead). */
export function csvAttachment(
  filename: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): Response {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','))
  return new Response(`\uFEFF${lines.join('\r\n')}\r\n`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
    },
  })
}
