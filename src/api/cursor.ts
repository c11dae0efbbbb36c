import { z } from 'zod';

/** The `before` query field of a newest-first list: the `next` of the page before. */
export const beforeQuery = z.string().max(120).optional().describe('The next cursor of the previous page ("<time>_<id>"); a bare time is still read, but rows at that exact time are skipped');

/** The `next` response field of a newest-first list: pass it as `before` for the following page; null on the last page. */
export const nextField = z.string().nullable().describe('Cursor of the following page (pass as before), null when this page is the last');
