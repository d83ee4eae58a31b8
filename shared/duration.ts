/**
 * "1 h 30 min", "1 min", "45 s": a duration to the nearest second (at least
 * 1 s), in the units that are not zero. The one spelling of a duration, in
 * the server's notices ("Mo muted Bob for 10 min.") and the client's
 * rejection texts ("You are muted for 1 min 30 s more.").
 */
export function formatDuration(ms: number): string {
  const total = Math.max(1, Math.round(ms / 1000));
  const parts = [
    [Math.floor(total / 3600), "h"],
    [Math.floor((total % 3600) / 60), "min"],
    [total % 60, "s"],
  ] as const;
  return parts
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(" ");
}
