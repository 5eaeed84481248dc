/** A duration in seconds as written for people, exactly: 1500 ms is `1.5 s`, never a rounded `2 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
