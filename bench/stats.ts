// What every benchmark reports: kite against the raw docker operation in the same run.

export interface Row {
  name: string;
  kiteMs: number;
  baselineMs: number;
  ratio: number;
  target: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
