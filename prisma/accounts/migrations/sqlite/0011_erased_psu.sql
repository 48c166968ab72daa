-- CreateTable
CREATE TABLE "ErasedPsu" (
    "psuId" TEXT NOT NULL PRIMARY KEY,
    "erasedAt" DATETIME NOT NULL
);

