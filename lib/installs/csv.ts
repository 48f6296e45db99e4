/**
 * CSV per RFC 4180 (written by hand: a dozen lines, no dependency). Text cells that a
 * spreadsheet would run as a formula (= + - @, or a leading tab/CR that some apps strip first)
 * get a leading apostrophe, so an error text reported by a device cannot become a formula on
 * the service desk's machine. Numbers are written as they are: they cannot carry a formula, and
 * an exit code of -1 must stay a number.
 */
export type CsvCell = string | number | null | undefined;

const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return needsQuotes.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record, with the CRLF line ending the RFC asks for. */
export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
