import { InvalidInputError } from '@trm/core';

/**
 * Drops a leading UTF-8 byte-order mark. Node's 'utf8' decoding keeps it, and editors such as
 * Excel ("CSV UTF-8") write one: left in, it joins the first header name or the first puzzle.
 */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses simple CSV (quoted fields allowed, no embedded newlines) into header-keyed rows. */
export function parseCsv(text: string, field = '--data'): Record<string, string>[] {
  const lines = withoutByteOrderMark(text).split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new InvalidInputError({ field, message: 'the file is empty' });
  const header = splitCsvLine(lines[0]!);
  return lines.slice(1).map((line, index) => {
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      throw new InvalidInputError({ field: `${field}:line ${index + 2}`, message: `expected ${header.length} columns, got ${cells.length}`, value: line });
    }
    return Object.fromEntries(header.map((name, column) => [name, cells[column]!]));
  });
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        current += '"';
        index++;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(current);
      current = '';
    } else current += char;
  }
  cells.push(current);
  return cells;
}
