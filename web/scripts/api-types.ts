// Writes web/src/api-types.gen.ts: the TypeScript shapes of every API route, made from the server's own
// OpenAPI document (itself made from the routes' zod schemas), so the console never restates a type.
// Run by `npm run typecheck` before the console is checked; the output is not committed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { buildDeps, closeDeps } from '../../src/deps.ts';
import { buildApp } from '../../src/api/app.ts';

/** The parts of an OpenAPI 3 schema object that the zod → JSON Schema transform produces. */
interface Schema {
  $ref?: string; type?: string | string[]; nullable?: boolean; enum?: unknown[]; const?: unknown;
  anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[]; items?: Schema | Schema[]; format?: string;
  properties?: Record<string, Schema>; required?: string[]; additionalProperties?: boolean | Schema; description?: string;
}
interface Parameter { in: string; name: string; required?: boolean; schema?: Schema; description?: string }
interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } }

const methods = ['get', 'post', 'put', 'patch', 'delete'];
const successes = ['200', '201', '202', '204'];

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

function doc(text: string | undefined, pad: string): string {
  return text ? `${pad}/** ${text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ')} */\n` : '';
}

/** The TypeScript type of one JSON schema, indented by `pad`. */
function typeOf(s: Schema | undefined, pad: string): string {
  if (!s || Object.keys(s).filter((k) => k !== 'description' && k !== 'default').length === 0) return 'unknown';
  let t = baseType(s, pad);
  if (s.nullable && t !== 'null' && !/\bnull$/.test(t)) t = `${t} | null`;
  return t;
}

function baseType(s: Schema, pad: string): string {
  if (s.$ref) return `Components[${JSON.stringify(s.$ref.split('/').pop())}]`;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.anyOf || s.oneOf) return [...new Set((s.anyOf ?? s.oneOf)!.map((x) => wrap(typeOf(x, pad))))].join(' | ');
  if (s.allOf) return s.allOf.map((x) => wrap(typeOf(x, pad))).join(' & ');
  if (Array.isArray(s.type)) return s.type.map((type) => wrap(typeOf({ ...s, type }, pad))).join(' | ');
  switch (s.type) {
    case 'string': return s.format === 'binary' ? 'Blob' : 'string';
    case 'integer': case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array':
      if (Array.isArray(s.items)) return `[${s.items.map((x) => typeOf(x, pad)).join(', ')}]`;
      return `${wrap(typeOf(s.items, pad))}[]`;
    default: return objectType(s, pad);
  }
}

/** Parenthesises a union or intersection (at the top level, outside braces and brackets) before `[]` or `|`. */
function wrap(t: string): string {
  let depth = 0;
  for (const c of t) {
    if (c === '{' || c === '[' || c === '(' || c === '<') depth++;
    else if (c === '}' || c === ']' || c === ')' || c === '>') depth--;
    else if (depth === 0 && (c === '|' || c === '&')) return `(${t})`;
  }
  return t;
}

function objectType(s: Schema, pad: string): string {
  const props = Object.entries(s.properties ?? {});
  const extra = s.additionalProperties;
  if (!props.length) {
    if (extra === false) return 'Record<string, never>';
    return `Record<string, ${typeof extra === 'object' ? typeOf(extra, pad) : 'unknown'}>`;
  }
  const inner = pad + '  ';
  const required = new Set(s.required ?? []);
  const lines = props.map(([name, p]) => `${doc(p.description, inner)}${inner}${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(p, inner)};\n`);
  if (extra === true || (typeof extra === 'object')) lines.push(`${inner}[key: string]: unknown;\n`);
  return `{\n${lines.join('')}${pad}}`;
}

function paramsType(params: Parameter[], where: string, pad: string): string {
  const own = params.filter((p) => p.in === where);
  if (!own.length) return 'Record<string, never>';
  const inner = pad + '  ';
  return `{\n${own.map((p) => `${doc(p.description ?? p.schema?.description, inner)}${inner}${key(p.name)}${p.required ? '' : '?'}: ${typeOf(p.schema, inner)};\n`).join('')}${pad}}`;
}

function bodyType(op: Operation, pad: string): string {
  const content = op.requestBody?.content;
  if (!content) return 'undefined';
  if (content['multipart/form-data']) return 'FormData';
  return typeOf(content['application/json']?.schema, pad);
}

function responseType(op: Operation, pad: string): string {
  const status = successes.find((s) => op.responses?.[s]);
  if (!status || status === '204') return 'null';
  const content = op.responses![status].content;
  const json = content?.['application/json'];
  return json ? typeOf(json.schema, pad) : 'string';
}

/** Renders the module text from an OpenAPI document. */
export function render(d: Document): string {
  const out = [
    '// Generated by web/scripts/api-types.ts from the server\'s OpenAPI document. Do not edit: run `npm run typecheck`.\n',
    '\n',
    '/** Named schemas of the OpenAPI document. */\n',
    `export interface Components {\n${Object.entries(d.components?.schemas ?? {}).map(([n, s]) => `  ${key(n)}: ${typeOf(s, '  ')};\n`).join('')}}\n\n`,
    '/** Every route as "METHOD /path": its path and query parameters, JSON body and success response. */\n',
    'export interface Endpoints {\n',
  ];
  for (const [p, ops] of Object.entries(d.paths)) {
    for (const m of methods) {
      const op = ops[m];
      if (!op) continue;
      const params = op.parameters ?? [];
      const pad = '    ';
      out.push(`  ${JSON.stringify(`${m.toUpperCase()} ${p}`)}: {\n`);
      out.push(`${pad}path: ${paramsType(params, 'path', pad)};\n`);
      out.push(`${pad}query: ${paramsType(params, 'query', pad)};\n`);
      out.push(`${pad}body: ${bodyType(op, pad)};\n`);
      out.push(`${pad}response: ${responseType(op, pad)};\n`);
      out.push('  };\n');
    }
  }
  out.push('}\n');
  return out.join('');
}

/** Builds the app on a throw-away SQLite database and returns its OpenAPI document. */
async function openapi(): Promise<Document> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-openapi-'));
  try {
    const config = loadConfig({}, { dataDir: dir, databaseUrl: '', logLevel: 'silent', simulator: false });
    const deps = await buildDeps(config, { log: pino({ level: 'silent' }) });
    try {
      const app = await buildApp(deps);
      await app.ready();
      const d = app.swagger() as unknown as Document;
      await app.close();
      return d;
    } finally {
      await closeDeps(deps);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const target = path.join(import.meta.dirname, '..', 'src', 'api-types.gen.ts');
writeFileSync(target, render(await openapi()));
