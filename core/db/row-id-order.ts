/**
 * Orders bigint row ids (which pg returns as strings) numerically: the order rows were
 * inserted in, which filing follows.
 */
export function byRowId(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
