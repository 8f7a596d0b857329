// Small statistics shared by the benchmarks.

/** The median; for an even count, the upper of the two middle values (a value that was measured). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}
