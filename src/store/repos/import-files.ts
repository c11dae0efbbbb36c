import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Db } from '../database.ts';

/** Bytes per stored chunk of an uploaded file. */
const CHUNK = 1 << 20;

/**
 * Copies an import's uploaded file into the database in chunks, then marks it stored, so a node without the file can
 * restore it (restoreImportFile). A failure part-way leaves the mark unset and the chunks are dropped.
 */
export async function storeImportFile(db: Db, importId: string, path: string): Promise<void> {
  let seq = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
      await db.insertInto('import_file_chunks').values({ import_id: importId, seq: seq++, data: chunk as Buffer }).execute();
    }
    await db.updateTable('imports').set({ file_stored: 1 }).where('id', '=', importId).execute();
  } catch (e) {
    await dropImportFile(db, importId).catch(() => undefined);
    throw e;
  }
}

/** Whether the database holds the complete uploaded file of an import. */
export async function importFileStored(db: Db, importId: string): Promise<boolean> {
  const row = await db.selectFrom('imports').select('file_stored').where('id', '=', importId).executeTakeFirst();
  return row?.file_stored === 1;
}

/** Writes an import's stored file to `path`, one chunk in memory at a time; false when the database does not hold it complete. */
export async function restoreImportFile(db: Db, importId: string, path: string): Promise<boolean> {
  if (!(await importFileStored(db, importId))) return false;
  const out = createWriteStream(path);
  try {
    for (let seq = 0; ; seq++) {
      const row = await db.selectFrom('import_file_chunks').select('data').where('import_id', '=', importId).where('seq', '=', seq).executeTakeFirst();
      if (!row) break;
      if (!out.write(row.data)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await finished(out);
  }
  return true;
}

/** Drops an import's stored file (once the import has ended). */
export async function dropImportFile(db: Db, importId: string): Promise<void> {
  await db.deleteFrom('import_file_chunks').where('import_id', '=', importId).execute();
  await db.updateTable('imports').set({ file_stored: 0 }).where('id', '=', importId).execute();
}
