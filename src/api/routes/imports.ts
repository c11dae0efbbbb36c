import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import multipart from '@fastify/multipart';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { sendTable } from '../plugins/table-export.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { createImport, getImport, listImports, listRejects, type ImportOptions, type ImportReject } from '../../store/repos/imports.ts';
import { audit } from '../../store/repos/audit.ts';
import { storeImportFile } from '../../store/repos/import-files.ts';
import { runImport, startImportResumer } from '../../worker/imports/job.ts';
import { checkColumns, formatBytes, inspectSource } from '../../worker/imports/reader.ts';
import { defaultCountryOf } from './contacts.ts';
import { emptyRecord } from '../../domain/records.ts';
import { exportLabels, exportLanguageQuery } from '../export-labels.ts';

const importSchema = z.object({
  id: z.string(), status: z.enum(['queued', 'running', 'done', 'failed']), fileName: z.string(),
  total: z.number(), imported: z.number(), updated: z.number(), duplicates: z.number(), invalid: z.number(),
  error: z.string().nullable(), createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
});
const optionsSchema = z.object({
  group: z.string().trim().min(1).max(100).optional(),
  tags: z.string().optional().transform((s) => s?.split(',').map((t) => t.trim()).filter(Boolean)),
  defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as CN').optional(),
  existing: z.enum(['update', 'skip']).optional(),
  phoneColumn: z.string().max(100).optional(), nameColumn: z.string().max(100).optional(),
});

function column(v: string | undefined): number | string | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : v;
}

/** Imports: upload a CSV/XLSX (`POST /api/v1/contacts/import`, 202), follow progress, download the report of rejected rows; interrupted imports resume. */
export function importRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['imports'];
  const dir = join(deps.config.dataDir, 'imports');
  // Imports run on the node that received the file; when a node dies, another picks up its imports (the file from the
  // database on PostgreSQL) and after a restart this node picks up the ones it was running.
  let resumer: ReturnType<typeof startImportResumer> | undefined;
  app.addHook('onReady', async () => { resumer = startImportResumer(deps); });
  app.addHook('onClose', async () => { await resumer?.stop(); });

  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: deps.config.importMaxBytes, files: 1, fields: 20 } });
    scope.post('/api/v1/contacts/import', {
      schema: {
        tags, summary: 'Import contacts from a CSV or XLSX file (multipart: file, and optional group, tags, defaultCountry, existing=update|skip, phoneColumn, nameColumn)',
        consumes: ['multipart/form-data'], response: { 202: z.object({ id: z.string() }) },
      },
      config: { permission: 'import' },
    }, async (request, reply) => {
      const tenantId = tenantOf(request);
      if (!request.isMultipart()) throw new DomainError('invalid_request', 'send the file as multipart/form-data in a field named "file"');
      await mkdir(dir, { recursive: true });
      const fields = emptyRecord<string>();
      let stored: { path: string; name: string } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file' || stored) { part.file.resume(); continue; }
            const path = join(dir, `${newId()}${extname(part.filename).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 6)}`);
            stored = { path, name: part.filename || 'upload' };
            await pipeline(part.file, createWriteStream(path));
            if (part.file.truncated) throw new DomainError('payload_too_large', `the file is larger than the limit of ${formatBytes(deps.config.importMaxBytes)}`, { limit: deps.config.importMaxBytes });
          } else fields[part.fieldname] = String(part.value);
        }
      } catch (e) {
        if (stored) await rm(stored.path, { force: true });
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new DomainError('payload_too_large', `the file is larger than the limit of ${formatBytes(deps.config.importMaxBytes)}`, { limit: deps.config.importMaxBytes });
        }
        throw e;
      }
      if (!stored) throw new DomainError('invalid_request', 'no file: send it in a multipart field named "file"', { field: 'file' });
      try {
        await checkColumns(stored.path, await inspectSource(stored.path, deps.config.importMaxBytes));
      } catch (e) {
        await rm(stored.path, { force: true });
        throw e;
      }
      const parsed = optionsSchema.safeParse(fields);
      if (!parsed.success) {
        await rm(stored.path, { force: true });
        const issue = parsed.error.issues[0];
        throw new DomainError('invalid_request', `${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
      }
      const { phoneColumn, nameColumn, defaultCountry, ...rest } = parsed.data;
      const options: ImportOptions = {
        ...rest, defaultCountry: defaultCountry ?? await defaultCountryOf(deps, tenantId), phoneColumn: column(phoneColumn), nameColumn: column(nameColumn),
      };
      const job = await createImport(db, tenantId, { filePath: stored.path, fileName: stored.name, options }, deps.now().toISOString());
      // Nodes on PostgreSQL have disks of their own: the database keeps a copy, so any node can resume the import.
      if (deps.store.dialect === 'postgres') await storeImportFile(db, job.id, stored.path);
      await audit(db, tenantId, actorOf(request), 'import.create', job.id, { file: stored.name });
      void runImport(deps, job.id).catch((err: unknown) => deps.log.error({ err, importId: job.id }, 'import crashed'));
      return reply.status(202).send({ id: job.id });
    });
  });

  app.get('/api/v1/imports', {
    schema: { tags, summary: 'Recent imports', response: { 200: z.object({ imports: z.array(importSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ imports: await listImports(db, tenantOf(request)) }));

  app.get('/api/v1/imports/:id', {
    schema: { tags, summary: 'Progress and counters of an import', params: z.object({ id: z.string().min(1) }), response: { 200: importSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const job = await getImport(db, tenantOf(request), request.params.id);
    if (!job) throw notFound('import');
    return job;
  });

  app.get('/api/v1/imports/:id/rejects', {
    schema: {
      tags, summary: 'The rejected rows of an import in line order, a page at a time (after: the last line of the page before)', params: z.object({ id: z.string().min(1) }),
      querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { 200: z.object({ rejects: z.array(z.object({ line: z.number(), reason: z.string(), detail: z.string(), raw: z.string() })) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const job = await getImport(db, tenantId, request.params.id);
    if (!job) throw notFound('import');
    return { rejects: await listRejects(db, tenantId, job.id, request.query.after, request.query.limit) };
  });

  app.get('/api/v1/imports/:id/report', {
    schema: { tags, summary: 'CSV of the rejected rows: line, reason code, reason (in `lang`), detail, row', params: z.object({ id: z.string().min(1) }), querystring: z.object({ lang: exportLanguageQuery }) },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const job = await getImport(db, tenantId, request.params.id);
    if (!job) throw notFound('import');
    const jobId = job.id;
    async function* pages(): AsyncGenerator<ImportReject[]> {
      for (let after = 0; ;) {
        const page = await listRejects(db, tenantId, jobId, after);
        if (page.length === 0) return;
        yield page;
        after = page[page.length - 1].line;
      }
    }
    const labels = await exportLabels(db, tenantId, request.query.lang);
    return sendTable(reply, 'csv', `import-${job.id}-rejected`, [
      { header: labels.header('imports.line'), value: (r) => r.line }, { header: labels.header('imports.reasonCode'), value: (r) => r.reason },
      { header: labels.header('imports.reason'), value: (r) => labels.code('importReason', r.reason) },
      { header: labels.header('imports.detail'), value: (r) => r.detail }, { header: labels.header('imports.row'), value: (r) => r.raw },
    ], pages(), labels.options);
  });
}
