/**
 * The rows of every markdown table a bench printed under a header starting with `header`,
 * as trimmed cells, without the header and rule lines.
 */
export function tableRows(out: string, header: string): string[][] {
  const lines = out.split('\n');
  const rows: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(`| ${header}`)) continue;
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('|'); j++)
      rows.push(
        lines[j]!.split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
  }
  return rows;
}
