// Going through a list the server gives a page at a time, each page naming the cursor where the next one starts.
import { useState } from 'react';
import { Button, Flex } from 'antd';

/** What usePages returns. */
export interface Pages {
  /** The cursor of the page shown (undefined on the first page). */
  cursor: string | undefined;
  /** Opens the page that starts at `next`. */
  forward(next: string): void;
  /** Goes back to the page before. */
  back(): void;
  /** Goes back to the first page (e.g. for a new search). */
  restart(): void;
}

/** The pages opened so far, as a trail of cursors. */
export function usePages(): Pages {
  const [trail, setTrail] = useState<string[]>([]);
  return {
    cursor: trail.at(-1),
    forward: (next) => setTrail([...trail, next]),
    back: () => setTrail(trail.slice(0, -1)),
    restart: () => setTrail([]),
  };
}

/** Buttons to go back a page (labelled `backLabel`) and on to `next` (labelled `forwardLabel`), each shown when it can. */
export function Pager({ pages, next, backLabel, forwardLabel }: { pages: Pages; next: string | null | undefined; backLabel: string; forwardLabel: string }) {
  return (
    <Flex gap={8} justify="end" style={{ marginTop: 16 }}>
      {pages.cursor !== undefined && <Button onClick={pages.back}>{backLabel}</Button>}
      {next && <Button onClick={() => pages.forward(next)}>{forwardLabel}</Button>}
    </Flex>
  );
}
