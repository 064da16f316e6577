// The audit export's CSV (RFC 4180): fields separated by commas, lines ended by CRLF, a field
// holding a comma, a quote or a line break quoted with its quotes doubled. A spreadsheet runs
// a cell that starts with = + - @ (or a tab or carriage return, which some read past) as a
// formula, so such a cell gets a leading single quote: the export is read, never run.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: empty for null, formula-safe, quoted when RFC 4180 requires it. */
export function csvCell(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line of cells, ended by CRLF. */
export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
