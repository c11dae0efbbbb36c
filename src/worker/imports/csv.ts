/** One parsed CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Picks the delimiter (comma, semicolon, tab or pipe) that splits the first lines most consistently. */
export function detectDelimiter(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 20);
  let best = ',';
  let bestScore = 0;
  for (const d of [',', ';', '\t', '|']) {
    const counts = lines.map((l) => l.replace(/"[^"]*"/g, '').split(d).length - 1);
    if (counts.length === 0 || counts.every((c) => c === 0)) continue;
    const modal = counts.filter((c) => c === counts[0]).length;
    const score = (modal / counts.length) * 10 + Math.min(counts[0], 5);
    if (score > bestScore) { best = d; bestScore = score; }
  }
  return best;
}

/**
 * A streaming RFC 4180 parser that is lenient where real files are not: quotes inside unquoted fields are
 * kept, ragged rows pass through, CRLF, LF and CR all end lines, and empty lines are skipped. Each record
 * carries the line it starts on, counting the lines inside quoted fields.
 */
export class CsvParser {
  private readonly delim: number;
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  private pendingQuote = false;
  private afterCr = false;
  private line = 1;
  private recordLine = 1;
  private fieldStarted = false;

  constructor(delimiter: string) {
    this.delim = delimiter.charCodeAt(0);
  }

  /** Parses the next piece of text, appending the completed records to `out`. */
  push(chunk: string, out: CsvRecord[]): void {
    const d = this.delim;
    const n = chunk.length;
    let i = 0;
    let start = 0;
    let field = this.field;
    let fields = this.fields;
    let inQuotes = this.inQuotes;
    let started = this.fieldStarted;
    if (this.pendingQuote) {
      this.pendingQuote = false;
      if (n > 0 && chunk.charCodeAt(0) === QUOTE) { field += '"'; i = start = 1; } else inQuotes = false;
    }
    if (this.afterCr && n > 0 && chunk.charCodeAt(0) === LF) i = start = i + 1;
    this.afterCr = false;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (inQuotes) {
        if (c === QUOTE) {
          field += chunk.slice(start, i);
          if (i + 1 === n) { this.pendingQuote = true; start = n; break; }
          if (chunk.charCodeAt(i + 1) === QUOTE) { field += '"'; i++; } else inQuotes = false;
          start = i + 1;
        } else if (c === LF) this.line++;
        continue;
      }
      if (c === d) {
        fields.push(field + chunk.slice(start, i));
        field = '';
        started = true;
        start = i + 1;
      } else if (c === LF || c === CR) {
        const last = field + chunk.slice(start, i);
        if (started || last !== '') {
          fields.push(last);
          out.push({ line: this.recordLine, fields });
        }
        fields = [];
        field = '';
        started = false;
        if (c === CR) {
          if (i + 1 === n) this.afterCr = true;
          else if (chunk.charCodeAt(i + 1) === LF) i++;
        }
        this.line++;
        this.recordLine = this.line;
        start = i + 1;
      } else if (c === QUOTE && start === i && field === '') {
        inQuotes = true;
        started = true;
        start = i + 1;
      }
    }
    if (start < n) field += chunk.slice(start);
    this.field = field;
    this.fields = fields;
    this.inQuotes = inQuotes || this.pendingQuote;
    this.fieldStarted = started;
  }

  /** Ends the input: flushes the last record; returns an error message if a quoted field was never closed. */
  end(out: CsvRecord[]): string | null {
    const unclosed = this.inQuotes && !this.pendingQuote;
    if (this.fieldStarted || this.field !== '') {
      this.fields.push(this.field);
      if (!unclosed) out.push({ line: this.recordLine, fields: this.fields });
    }
    if (!unclosed) return null;
    return `a quoted field opened on line ${this.recordLine} is never closed (the rest of the file, to line ${this.line}, was read into it)`;
  }
}
