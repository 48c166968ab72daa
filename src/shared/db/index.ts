export { providerOf, sqliteFile, createAdapter, type DatabaseProvider } from './url.ts';
export { applyMigrations, readMigrations, MigrationError, type Migration } from './migrate.ts';
export { columnList } from './columns.ts';
