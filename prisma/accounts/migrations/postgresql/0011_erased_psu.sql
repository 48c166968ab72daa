-- CreateTable
CREATE TABLE "ErasedPsu" (
    "psuId" TEXT NOT NULL,
    "erasedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ErasedPsu_pkey" PRIMARY KEY ("psuId")
);

