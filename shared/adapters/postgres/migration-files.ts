// The shipped migration files, read from migrations/ beside this module. An image holds only its bundle,
// so `npm run build` replaces this module with one that carries the files' text (platform/build.ts).
import { readdir, readFile } from 'node:fs/promises';

export interface MigrationFile {
  readonly name: string;
  readonly sql: string;
}

const directory = new URL('./migrations/', import.meta.url);

export async function readMigrationFiles(): Promise<MigrationFile[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(new URL(name, directory), 'utf8') })));
}
