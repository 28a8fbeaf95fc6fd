/** Lists up to this long are searched; longer ones get an index (memory.ts: ended jobs; snapshot.ts: printers, duplicate uuids). */
export const SMALL = 16;
