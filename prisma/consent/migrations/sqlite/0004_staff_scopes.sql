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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Psu" ("createdAt", "displayName", "id", "passwordHash", "totpSecret", "username") SELECT "createdAt", "displayName", "id", "passwordHash", "totpSecret", "username" FROM "Psu";
DROP TABLE "Psu";
ALTER TABLE "new_Psu" RENAME TO "Psu";
CREATE UNIQUE INDEX "Psu_username_key" ON "Psu"("username");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

