-- Every PSU carries a country (src/shared/jurisdiction). PSUs stored before it existed were
-- all signed up through the UK (OBIE) flows, so they are GB; new rows must name theirs.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Psu" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "totpSecret" TEXT,
    "staffScopes" TEXT NOT NULL DEFAULT '',
    "country" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Psu" ("createdAt", "country", "displayName", "id", "passwordHash", "staffScopes", "totpSecret", "username") SELECT "createdAt", 'GB', "displayName", "id", "passwordHash", "staffScopes", "totpSecret", "username" FROM "Psu";
DROP TABLE "Psu";
ALTER TABLE "new_Psu" RENAME TO "Psu";
CREATE UNIQUE INDEX "Psu_username_key" ON "Psu"("username");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

