// The segment condition builder's model: groups of conditions (field, operator, value) joined by AND or OR, written
// as the filter language the segment API takes, and read back from a filter when the filter has that shape.
import { parseSegment, type SegmentNode, type SegmentValue } from '../../../../src/domain/segments.ts';

/** What a condition is about: a contact attribute or custom field (`field:<name>`), or one of the fixed subjects. */
export type Subject = `field:${string}` | 'tag' | 'group' | 'opted_out' | 'created' | 'messaged' | 'replied';

/** Operators of a field condition. */
export const fieldOps = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'not_contains', 'in', 'not_in'] as const;
/** Operators of the other subjects: has / has not (tags, groups), is / is not (opted out), within / not within (activity). */
export const subjectOps = { tag: ['has', 'not_has'], group: ['has', 'not_has'], opted_out: ['is', 'is_not'], created: ['within', 'not_within'], messaged: ['within', 'not_within'], replied: ['within', 'not_within'] } as const;

/** An operator of any subject. */
export type Op = (typeof fieldOps)[number] | 'has' | 'not_has' | 'is' | 'is_not' | 'within' | 'not_within';
/** Units of an activity duration. */
export type Unit = 'h' | 'd' | 'w';

/** One condition as the form holds it; `literal` keeps how a value was written (a number stays a number). */
export interface Condition { subject: Subject; op: Op; value: string; unit: Unit; literal?: 'string' | 'number' | 'boolean' }
/** Conditions joined by one connective. */
export interface Group { join: 'and' | 'or'; conditions: Condition[] }
/** Groups joined by one connective: the whole filter. */
export interface Conditions { join: 'and' | 'or'; groups: Group[] }

const unitSeconds: Record<Unit, number> = { h: 3600, d: 86400, w: 7 * 86400 };

/** A new condition on `subject` with its first operator. */
export function newCondition(subject: Subject = 'field:city'): Condition {
  return { subject, op: opsOf(subject)[0], value: subject === 'created' || subject === 'messaged' || subject === 'replied' ? '30' : '', unit: 'd' };
}

/** A builder with one empty condition. */
export function emptyConditions(): Conditions {
  return { join: 'and', groups: [{ join: 'and', conditions: [newCondition()] }] };
}

/** The operators a subject takes. */
export function opsOf(subject: Subject): readonly Op[] {
  return subject.startsWith('field:') ? fieldOps : subjectOps[subject as keyof typeof subjectOps];
}

/** Whether a condition needs a value typed in (opted out needs none). */
export function needsValue(c: Condition): boolean {
  return c.subject !== 'opted_out';
}

function quoted(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A value as a literal: numbers stay numbers where they were written so, or where the field's type or the operator wants one. */
function literal(c: Condition, raw: string, fieldType: string | undefined): string {
  const v = raw.trim();
  const numeric = /^-?\d+(?:\.\d+)?$/.test(v);
  const kind = c.literal ?? (fieldType === 'number' || (numeric && ['<', '<=', '>', '>='].includes(c.op)) ? 'number' : fieldType === 'boolean' ? 'boolean' : 'string');
  if (kind === 'number' && numeric) return v;
  if (kind === 'boolean' && (v === 'true' || v === 'false')) return v;
  return quoted(v);
}

/** Why a condition cannot be written yet ('value' when it needs one), or null. */
export function incomplete(c: Condition): 'value' | null {
  if (!needsValue(c)) return null;
  if (c.subject === 'created' || c.subject === 'messaged' || c.subject === 'replied') return /^[1-9]\d*$/.test(c.value.trim()) ? null : 'value';
  if (c.op === 'in' || c.op === 'not_in') return c.value.split(/[,，]/).some((x) => x.trim()) ? null : 'value';
  return c.value.trim() ? null : 'value';
}

/** One condition in the filter language. */
function conditionText(c: Condition, types: Record<string, string>): string {
  const name = c.subject.startsWith('field:') ? c.subject.slice(6) : '';
  const type = name && Object.hasOwn(types, name) ? types[name] : undefined;
  switch (c.subject) {
    case 'tag': case 'group': return `${c.op === 'not_has' ? 'not ' : ''}${c.subject}:${quoted(c.value.trim())}`;
    case 'opted_out': return c.op === 'is_not' ? 'not opted_out' : 'opted_out';
    case 'created': case 'messaged': case 'replied': return `${c.op === 'not_within' ? 'not ' : ''}${c.subject} within ${Number(c.value.trim())}${c.unit}`;
  }
  const field = /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(name) && !['and', 'or', 'not', 'in', 'contains', 'within', 'tag', 'group', 'opted_out'].includes(name.toLowerCase()) ? name : quoted(name);
  switch (c.op) {
    case 'contains': return `${field} contains ${quoted(c.value.trim())}`;
    case 'not_contains': return `not ${field} contains ${quoted(c.value.trim())}`;
    case 'in': case 'not_in': {
      const values = c.value.split(/[,，]/).map((x) => x.trim()).filter(Boolean).map((x) => literal(c, x, type));
      return `${c.op === 'not_in' ? 'not ' : ''}${field} in (${values.join(', ')})`;
    }
    default: return `${field} ${c.op} ${literal(c, c.value, type)}`;
  }
}

/** The builder's conditions as a filter ('' when none is complete); `types` maps custom field keys to their types. */
export function filterOf(b: Conditions, types: Record<string, string> = {}): string {
  const groups = b.groups.map((g) => g.conditions.filter((c) => !incomplete(c)).map((c) => conditionText(c, types))).filter((g) => g.length);
  const texts = groups.map((g, i) => {
    const joined = g.join(` ${b.groups[i].join} `);
    return g.length > 1 && (groups.length > 1 || b.groups[i].join === 'or') ? `(${joined})` : joined;
  });
  return texts.join(` ${b.join} `);
}

function valueText(v: SegmentValue): string {
  return typeof v === 'string' ? v : String(v);
}

function literalOf(v: SegmentValue): Condition['literal'] {
  return typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
}

function durationOf(seconds: number): { value: string; unit: Unit } {
  const unit: Unit = seconds % unitSeconds.w === 0 ? 'w' : seconds % unitSeconds.d === 0 ? 'd' : 'h';
  return { value: String(seconds / unitSeconds[unit]), unit };
}

/** A single condition from a filter node (with an optional `not`), or null when the builder cannot show it. */
function conditionOf(node: SegmentNode, negated = false): Condition | null {
  switch (node.kind) {
    case 'not': return negated ? null : conditionOf(node.item, true);
    case 'tag': case 'group': return { subject: node.kind, op: negated ? 'not_has' : 'has', value: node.name, unit: 'd' };
    case 'opted_out': return { subject: 'opted_out', op: negated ? 'is_not' : 'is', value: '', unit: 'd' };
    case 'within': return { subject: node.activity, op: negated ? 'not_within' : 'within', ...durationOf(node.seconds) };
    case 'contains': return { subject: `field:${node.field}`, op: negated ? 'not_contains' : 'contains', value: node.value, unit: 'd' };
    case 'in': return { subject: `field:${node.field}`, op: negated ? 'not_in' : 'in', value: node.values.map(valueText).join(', '), unit: 'd', literal: literalOf(node.values[0]) };
    case 'compare': {
      if (negated && node.op !== '=' && node.op !== '!=') return null;
      const op = negated ? (node.op === '=' ? '!=' : '=') : node.op;
      return { subject: `field:${node.field}`, op, value: valueText(node.value), unit: 'd', literal: literalOf(node.value) };
    }
    default: return null;
  }
}

/** The conditions of a group node: a single condition, or an and/or of conditions. */
function groupOf(node: SegmentNode): Group | null {
  const items = node.kind === 'and' || node.kind === 'or' ? node.items : [node];
  const conditions = items.map((x) => conditionOf(x));
  if (conditions.some((c) => !c)) return null;
  return { join: node.kind === 'or' ? 'or' : 'and', conditions: conditions as Condition[] };
}

/** A filter as builder conditions, or null when it does not parse or has a shape the builder cannot show (deeper nesting). */
export function conditionsOf(filter: string): Conditions | null {
  let node: SegmentNode;
  try {
    node = parseSegment(filter);
  } catch {
    return null;
  }
  if (node.kind !== 'and' && node.kind !== 'or') {
    const g = groupOf(node);
    return g && { join: 'and', groups: [g] };
  }
  // all plain conditions: one group; otherwise each item is a group of its own
  const flat = groupOf(node);
  if (flat) return { join: 'and', groups: [flat] };
  const groups = node.items.map(groupOf);
  if (groups.some((g) => !g)) return null;
  return { join: node.kind, groups: groups as Group[] };
}
