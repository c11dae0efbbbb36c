import { DomainError } from './errors.ts';

// The segment filter language, e.g. `city = "北京" and age >= 32 and tag:vip and not replied within 30d`.
//
//   expr      := and ('or' and)*
//   and       := unary ('and' unary)*
//   unary     := 'not' unary | '(' expr ')' | predicate
//   predicate := 'tag' ':' name | 'group' ':' name | 'opted_out'
//              | ('created' | 'messaged' | 'replied') 'within' DURATION        (30d, 12h, 2w)
//              | field ('=' | '!=' | '<' | '<=' | '>' | '>=') value
//              | field 'contains' STRING | field 'in' '(' value (',' value)* ')'
//   value     := STRING | NUMBER | 'true' | 'false'

/** A comparison operator. */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
/** A literal in a filter. */
export type SegmentValue = string | number | boolean;
/** An activity with a timestamp on the contact. */
export type Activity = 'created' | 'messaged' | 'replied';

/** The parsed filter: a typed tree the store compiles into parameterised SQL. */
export type SegmentNode =
  | { kind: 'and' | 'or'; items: SegmentNode[] }
  | { kind: 'not'; item: SegmentNode }
  | { kind: 'compare'; field: string; op: CompareOp; value: SegmentValue }
  | { kind: 'in'; field: string; values: SegmentValue[] }
  | { kind: 'contains'; field: string; value: string }
  | { kind: 'tag'; name: string }
  | { kind: 'group'; name: string }
  | { kind: 'opted_out' }
  | { kind: 'within'; activity: Activity; seconds: number };

/** Contact attributes a filter can name directly; any other name is a custom field. */
export const contactAttributes = [
  'phone', 'name', 'language', 'timezone', 'country', 'number_type', 'carrier', 'province', 'city', 'region',
] as const;

/** The longest `within` duration accepted: 100 years (a longer one reaches before any date a database keeps). */
export const maxWithinSeconds = 36500 * 86400;

/** The longest filter accepted, in characters. */
export const maxFilterLength = 4000;

type Token =
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'dur'; v: number; pos: number; text: string }
  | { t: 'word'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'end'; pos: number };

const UNIT_SECONDS: Record<string, number> = { h: 3600, d: 86400, w: 7 * 86400 };
const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”' };

/**
 * What a filter's syntax error expected, as a stable code (details.expect) beside its English words (details.expected),
 * so the console can say it in the user's language; `found` is 'end' when the filter ended there.
 */
export type FilterExpectation = 'closing_quote' | 'token' | 'symbol' | 'and_or_end' | 'shallower' | 'name' | 'value' | 'condition'
  | 'duration' | 'shorter_duration' | 'string_after_contains' | 'operator';

function syntax(pos: number, expect: FilterExpectation, expected: string, found: string, vars: Record<string, string> = {}): DomainError {
  return new DomainError('filter_syntax', `filter syntax error at position ${pos}: expected ${expected}, found ${found}`,
    { position: pos, expect, expected, found, ...vars });
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'end': return 'end of filter';
    case 'str': return `"${tok.v}"`;
    case 'dur': return tok.text;
    default: return `"${tok.v}"`;
  }
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const pos = i + 1;
    if (/\s/.test(c)) { i++; continue; }
    if (c in QUOTES) {
      const close = QUOTES[c];
      let v = '';
      i++;
      while (i < src.length && src[i] !== close) {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        v += src[i++];
      }
      if (i >= src.length) throw syntax(src.length + 1, 'closing_quote', `a closing ${close} for the string opened at position ${pos}`, 'end of filter', { close, opened: String(pos) });
      i++;
      out.push({ t: 'str', v, pos });
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(src.slice(i));
    if (num) {
      const after = src.slice(i + num[0].length);
      const unit = /^([hdw])(?![\p{L}\p{N}_])/u.exec(after);
      if (unit && !num[0].includes('.') && !num[0].startsWith('-')) {
        out.push({ t: 'dur', v: Number(num[0]) * UNIT_SECONDS[unit[1]], pos, text: num[0] + unit[1] });
        i += num[0].length + 1;
      } else {
        out.push({ t: 'num', v: Number(num[0]), pos });
        i += num[0].length;
      }
      continue;
    }
    const word = /^[\p{L}_][\p{L}\p{N}_.]*/u.exec(src.slice(i));
    if (word) { out.push({ t: 'word', v: word[0], pos }); i += word[0].length; continue; }
    const op = /^(?:!=|<=|>=|[=<>(),:])/.exec(src.slice(i));
    if (op) { out.push({ t: 'op', v: op[0], pos }); i += op[0].length; continue; }
    throw syntax(pos, 'token', 'a field, a value or an operator', `"${c}"`);
  }
  out.push({ t: 'end', pos: src.length + 1 });
  return out;
}

class Parser {
  private at = 0;
  private depth = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token { return this.toks[this.at]; }
  private next(): Token { return this.toks[this.at++]; }
  private isWord(w: string, tok = this.peek()): boolean { return tok.t === 'word' && tok.v.toLowerCase() === w; }
  private isOp(o: string, tok = this.peek()): boolean { return tok.t === 'op' && tok.v === o; }
  private expectOp(o: string, what = `"${o}"`): void {
    const tok = this.next();
    if (!this.isOp(o, tok)) throw syntax(tok.pos, 'symbol', what, describe(tok), { symbol: what });
  }

  parseAll(): SegmentNode {
    const node = this.expr();
    const tok = this.peek();
    if (tok.t !== 'end') throw syntax(tok.pos, 'and_or_end', '"and", "or" or end of filter', describe(tok));
    return node;
  }

  private expr(): SegmentNode {
    const items = [this.and()];
    while (this.isWord('or')) { this.next(); items.push(this.and()); }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private and(): SegmentNode {
    const items = [this.unary()];
    while (this.isWord('and')) { this.next(); items.push(this.unary()); }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private unary(): SegmentNode {
    if (++this.depth > 50) throw syntax(this.peek().pos, 'shallower', 'a shallower filter (at most 50 levels)', 'deeper nesting');
    try {
      if (this.isWord('not')) { this.next(); return { kind: 'not', item: this.unary() }; }
      if (this.isOp('(')) {
        this.next();
        const inner = this.expr();
        this.expectOp(')', '")" or "and"/"or"');
        return inner;
      }
      return this.predicate();
    } finally {
      this.depth--;
    }
  }

  private name(): string {
    const tok = this.next();
    if (tok.t === 'str' || tok.t === 'word') return tok.v;
    if (tok.t === 'num') return String(tok.v);
    throw syntax(tok.pos, 'name', 'a name (a word or a quoted string)', describe(tok));
  }

  private value(): SegmentValue {
    const tok = this.next();
    if (tok.t === 'str' || tok.t === 'num') return tok.v;
    if (this.isWord('true', tok)) return true;
    if (this.isWord('false', tok)) return false;
    throw syntax(tok.pos, 'value', 'a value (a quoted string, a number, true or false)', describe(tok));
  }

  private predicate(): SegmentNode {
    const tok = this.next();
    if (tok.t !== 'word') throw syntax(tok.pos, 'condition', 'a condition (a field, tag:…, group:…, opted_out, not or "(")', describe(tok));
    const word = tok.v.toLowerCase();
    if ((word === 'tag' || word === 'group') && this.isOp(':')) {
      this.next();
      return { kind: word, name: this.name() };
    }
    if (word === 'opted_out') return { kind: 'opted_out' };
    if ((word === 'created' || word === 'messaged' || word === 'replied') && this.isWord('within')) {
      this.next();
      const d = this.next();
      if (d.t !== 'dur') throw syntax(d.pos, 'duration', 'a duration such as 30d, 12h or 2w', describe(d));
      if (d.v > maxWithinSeconds) throw syntax(d.pos, 'shorter_duration', `a duration of at most ${maxWithinSeconds / 86400}d (100 years)`, describe(d));
      return { kind: 'within', activity: word, seconds: d.v };
    }
    if (['and', 'or', 'not', 'in', 'contains', 'within'].includes(word)) {
      throw syntax(tok.pos, 'condition', 'a condition (a field, tag:…, group:…, opted_out, not or "(")', describe(tok));
    }
    const field = tok.v;
    const op = this.next();
    if (op.t === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(op.v)) {
      return { kind: 'compare', field, op: op.v as CompareOp, value: this.value() };
    }
    if (this.isWord('contains', op)) {
      const v = this.next();
      if (v.t !== 'str') throw syntax(v.pos, 'string_after_contains', 'a quoted string after contains', describe(v));
      return { kind: 'contains', field, value: v.v };
    }
    if (this.isWord('in', op)) {
      this.expectOp('(', '"(" after in');
      const values = [this.value()];
      while (this.isOp(',')) { this.next(); values.push(this.value()); }
      this.expectOp(')', '"," or ")"');
      return { kind: 'in', field, values };
    }
    throw syntax(op.pos, 'operator', `an operator after "${field}" (=, !=, <, <=, >, >=, contains, in)`, describe(op), { field });
  }
}

/** Parses a filter; a syntax error is a DomainError 'filter_syntax' with the 1-based position and what was expected. */
export function parseSegment(filter: string): SegmentNode {
  if (filter.length > maxFilterLength) {
    throw new DomainError('filter_syntax', `the filter is ${filter.length} characters; the limit is ${maxFilterLength}`,
      { position: maxFilterLength + 1, expected: `at most ${maxFilterLength} characters`, found: `${filter.length}` });
  }
  return new Parser(tokenize(filter)).parseAll();
}

/** Every field name a filter mentions (contact attributes and custom fields), for validation against definitions. */
export function fieldsOf(node: SegmentNode): string[] {
  switch (node.kind) {
    case 'and': case 'or': return [...new Set(node.items.flatMap(fieldsOf))];
    case 'not': return fieldsOf(node.item);
    case 'compare': case 'in': case 'contains': return [node.field];
    default: return [];
  }
}
