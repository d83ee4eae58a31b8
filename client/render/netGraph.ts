import type { NetSnapshot } from "../net/metrics.ts";

/**
 * A small bar graph of the last minute: bytes received per second (bars) and
 * the mean patch interval (line). Toggled from the HUD or with G.
 */
export function drawNetGraph(canvas: HTMLCanvasElement, snapshot: NetSnapshot): void {
  const ctx = canvas.getContext("2d");
  if (ctx === null) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const samples = snapshot.history;
  if (samples.length === 0) return;
  const maxBytes = Math.max(1024, ...samples.map((s) => s.bytes));
  const maxInterval = Math.max(100, ...samples.map((s) => s.patchIntervalMs));
  const barWidth = width / 60;
  samples.forEach((sample, i) => {
    const x = width - (samples.length - i) * barWidth;
    const h = (sample.bytes / maxBytes) * (height - 4);
    ctx.fillStyle = "rgba(76, 194, 255, 0.7)";
    ctx.fillRect(x, height - h, Math.max(1, barWidth - 1), h);
  });
  ctx.strokeStyle = "#ffb347";
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  samples.forEach((sample, i) => {
    const x = width - (samples.length - i - 0.5) * barWidth;
    const y = height - (sample.patchIntervalMs / maxInterval) * (height - 4);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}
