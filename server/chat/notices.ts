import { SystemAction, formatDuration, type SystemNotice } from "../../shared/index.ts";

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
