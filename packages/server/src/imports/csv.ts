/**
 * A small RFC 4180 CSV reader: quoted fields (with "" for a quote, separators and newlines
 * inside), CRLF or LF line ends, a byte-order mark. The separator is the one the header line
 * uses most: spreadsheets in Indonesian locales export with ';' (the comma is the decimal mark).
 *
 * @example
 * parseCsv('name,lon,lat\n"Pasar ""Baru""",112.7,-7.4') // → [['name','lon','lat'], ['Pasar "Baru"','112.7','-7.4']]
 */
export function parseCsv(text: string): string[][] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const separator = detectSeparator(src.slice(0, src.search(/\r?\n|$/)));
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endRow = () => {
    row.push(field);
    field = '';
    if (row.some((f) => f.trim() !== '')) rows.push(row);
    row = [];
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (src[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  endRow();
  return rows;
}

function detectSeparator(header: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    const count = header.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}
