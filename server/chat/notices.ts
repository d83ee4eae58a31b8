import { SystemAction, type SystemNotice } from "../../shared/index.ts";

/** The text of a system line; clients may render `notice` themselves instead. */
export function describeNotice(notice: SystemNotice): string {
  switch (notice.action) {
    case SystemAction.Mute:
      return `${notice.by} muted ${notice.target} for ${formatDuration(notice.durationMs)}.`;
    case SystemAction.AutoMute:
      return `${notice.target} was muted for ${formatDuration(notice.durationMs)} for flooding.`;
    case SystemAction.Unmute:
      return `${notice.by} unmuted ${notice.target}.`;
    case SystemAction.Kick:
      return notice.reason === undefined
        ? `${notice.by} kicked ${notice.target}.`
        : `${notice.by} kicked ${notice.target}: ${notice.reason}`;
  }
}

/** "1 h 30 min", "1 min", "45 s". */
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
